"""The `online-lives` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    from course import server
    from grading.build import build, is_built

    env = server.prepare_environment()
    grading = Path(env["ONLINE_LIVES_GRADING"])
    if not is_built(grading):
        print("Preparing the case-study exercises with nbgrader (only when they have changed)...", flush=True)
        build(grading)
    print(f"Online Lives course home: {server.home_url(args.ip, args.port)}")
    print(f"Data folder: {env['ONLINE_LIVES_DATA']}")
    print(f"Case-study submissions (nbgrader course folder): {grading}")
    print("Stop it with Ctrl+C.", flush=True)
    server.run(server.voila_arguments(port=args.port, ip=args.ip, pool_size=args.pool_size, home_pool=args.home_pool))
    return 0


def _check_content(args: argparse.Namespace) -> int:
    from course.content import check_content, load_planner

    problems = check_content()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    planner = load_planner()
    print(
        f"Content is valid: planner {planner.id} version {planner.version}, "
        f"{len(planner.sections)} sections, {len(planner.statements)} statements."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from course.content import planner
    from course.exports import to_csv, to_json
    from course.store import Store

    store = Store()
    service = store.find_service(args.service)
    answers = store.answers(service.id)
    text = (to_csv if args.format == "csv" else to_json)(planner(), service, answers, redact=args.redact)
    if args.output:
        newline = "" if args.format == "csv" else None
        Path(args.output).write_text(text, encoding="utf-8", newline=newline)
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _services(args: argparse.Namespace) -> int:
    from course.store import Store

    store = Store()
    for service in store.services():
        print(f"{service.name}\t{store.count_answers(service.id)} answers")
    return 0


def _quiz_stats(args: argparse.Namespace) -> int:
    import csv

    from course.quiz import AnswerRecord, item_bank, item_statistics
    from course.store import Store

    rows = Store().quiz_answers(context=args.context)
    answers = [AnswerRecord(r["round_id"], r["item_id"], frozenset(r["chosen"].split()), r["score"]) for r in rows]
    stats = [s for s in item_statistics(answers) if s.answers >= args.min_answers]
    bank = item_bank()
    known = {i.id for i in bank.items}

    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    table = [
        (s.item_id, str(s.answers), fmt(s.facility), fmt(s.discrimination), "" if s.item_id in known else "not in bank")
        for s in stats
    ]
    header = ("item", "answers", "facility", "discrimination", "note")
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(table)
        print(f"Wrote {len(table)} items to {args.csv}", file=sys.stderr)
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    rounds = len({r["round_id"] for r in rows})
    print(
        f"\n{len(answers)} answers in {rounds} rounds. Facility: mean score (0 hard, 1 easy). "
        "Discrimination: correlation with the rest of the round (near 0 or below: check the item)."
    )
    return 0


DASHBOARD_URL = "http://127.0.0.1:8866/voila/render/workshop-dashboard.ipynb"


def _workshop_new(args: argparse.Namespace) -> int:
    from course.store import Store
    from course.workshops import create_workshop

    workshop, token = create_workshop(Store(), args.title)
    print(f"Workshop: {workshop.title}")
    print(f"Join code (give it to participants): {workshop.code}")
    print(f"Trainer token (keep it to yourself; it is shown only now): {token}")
    print(f"Trainer dashboard: {DASHBOARD_URL}")
    return 0


def _workshop_close(args: argparse.Namespace) -> int:
    from course.store import Store
    from course.workshops import close_workshop, open_as_trainer

    store = Store()
    workshop = close_workshop(store, open_as_trainer(store, args.code, args.token))
    print(f"Closed the workshop {workshop.code} ({workshop.title}): it takes no more answers; its data is kept.")
    return 0


def _workshop_list(args: argparse.Namespace) -> int:
    from course.store import Store
    from course.workshops import participant_counts, workshops

    store = Store()
    found = workshops(store)
    counts = participant_counts(store)
    if not found:
        print('No workshops yet. Create one with: online-lives workshop new "Title"')
        return 0
    print("code\tstate\tparticipants\tcreated\ttitle")
    for w in found:
        state = "closed" if w.closed else "open"
        print(f"{w.code}\t{state}\t{counts.get(w.id, 0)}\t{w.created_at}\t{w.title}")
    return 0


def _workshop_export(args: argparse.Namespace) -> int:
    from course.store import Store
    from course.workshops import export_csv, export_xlsx, open_as_trainer

    store = Store()
    workshop = open_as_trainer(store, args.code, args.token)
    if args.format == "xlsx":
        Path(args.output).write_bytes(export_xlsx(store, workshop))
    else:
        Path(args.output).write_text(export_csv(store, workshop), encoding="utf-8", newline="")
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def _add_workshop_parser(sub: argparse._SubParsersAction) -> None:
    workshop = sub.add_parser("workshop", help="live workshops: create, close, list, export")
    commands = workshop.add_subparsers(dest="workshop_command", required=True)

    new = commands.add_parser("new", help="create a workshop: prints its join code and trainer token")
    new.add_argument("title", help='the workshop\'s title, for example "Staff training, 3 March"')
    new.set_defaults(func=_workshop_new)

    close = commands.add_parser("close", help="close a workshop: no more answers; its data is kept")
    close.add_argument("code", help="the workshop's join code")
    close.add_argument("--token", required=True, help="the trainer token")
    close.set_defaults(func=_workshop_close)

    listing = commands.add_parser("list", help="list workshops: codes, titles, open or closed, participants")
    listing.set_defaults(func=_workshop_list)

    export = commands.add_parser("export", help="export a workshop's answers (participants numbered, never named)")
    export.add_argument("code", help="the workshop's join code")
    export.add_argument("--token", required=True, help="the trainer token")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", "-o", required=True, help="file to write")
    export.set_defaults(func=_workshop_export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="online-lives", description="The Online Lives course.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the course with Voila on this machine")
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument("--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--pool-size", type=int, default=1, help="preheated kernels per page (0: none)")
    serve.add_argument(
        "--home-pool",
        type=int,
        default=0,
        help="preheated kernels for the course home alone, e.g. the size of a workshop's room (about 110 MB each)",
    )
    serve.set_defaults(func=_serve)

    check = sub.add_parser("check-content", help="validate every file in datasets/")
    check.set_defaults(func=_check_content)

    export = sub.add_parser("export", help="export one service's assessment")
    export.add_argument("--service", required=True, help="the service's name")
    export.add_argument("--format", choices=("csv", "json"), default="json")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.add_argument(
        "--redact", action="store_true", help="replace probable personal data in evidence and QA notes with labels"
    )
    export.set_defaults(func=_export)

    stats = sub.add_parser("quiz-stats", help="item analysis of every stored four Cs quiz answer")
    stats.add_argument("--csv", help="also write the table to this CSV file")
    stats.add_argument("--context", help="only rounds from this page: four-cs-quiz or a section id")
    stats.add_argument("--min-answers", type=int, default=1, help="leave out items answered fewer times")
    stats.set_defaults(func=_quiz_stats)

    services = sub.add_parser("services", help="list the services in the store")
    services.set_defaults(func=_services)

    _add_workshop_parser(sub)

    from course.datalog import add_parser as add_data_log_parser

    add_data_log_parser(sub)

    from course.area import add_parser as add_area_parser

    add_area_parser(sub)

    from course.qa import add_qa_sample_parser

    add_qa_sample_parser(sub)

    from course.report import add_parser as add_report_parser

    add_report_parser(sub)

    from course.rounds import add_parser as add_round_parser

    add_round_parser(sub)

    from course.actions import add_parser as add_action_plan_parser

    add_action_plan_parser(sub)

    from course.certificates import add_parser as add_certificate_parser

    add_certificate_parser(sub)

    # The assessor's commands live with the nbgrader side (`grading` uses `course`; this is
    # the one place `course` reaches into `grading`, and only to register its commands).
    from grading.cli import add_parser as add_grade_parser

    add_grade_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # the output was piped into a command that stopped reading (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a clear message, never a traceback with people's answers in it
        from course.content import ContentError
        from course.store import StoreError, UnknownService
        from grading.build import GradingError

        if isinstance(exc, UnknownService):  # the message lists the services there are
            print(exc, file=sys.stderr)
            return 1
        if isinstance(exc, ContentError | StoreError | GradingError | ValueError | KeyError):
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            print(f"online-lives: {message}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
