"""The data log: a service's monthly counts of referrals with an online component.

The planner's first section asks services to know how many of their referrals have an
online component, and of what kind. Each month a service records, as counts only (never a
name, never a case):

- `online_referrals`: referrals that month with an online component;
- `content`, `contact`, `conduct`, `commerce`: how many of those involved each of the four
  Cs. One referral can involve several Cs, so these may add up to more than the total;
- `reason_for_referral`: how many were referred because of online harm;
- `found_later`: how many had online harm found later, after a referral for something else.

Rules (`check_counts`): whole numbers from 0 to 100,000; no C count, and neither of
reason/found-later, above the month's online referrals; reason plus found-later at most the
online referrals; a real month, not in the future.

`save_field` saves one count the moment it is typed, even if it does not yet fit the
others (people type a month's counts in any order): it returns what does not fit, in words,
for the page to show. A month whose counts do not fit is left out of the area figures until
it is corrected. `save_month` saves a whole month and refuses one that does not fit.

The area figures (`area_monthly`) sum the months of the services in one area. A month is
shown only when at least `MIN_SERVICES` (3) services reported for it, so no service's counts
can be read off the area's.

This module also loads the teaching material of the Data module's trend-reading lesson:
`synthetic_referrals()` (the synthetic data set made by `datasets/synthetic/make_referrals.py`)
and `trend_lesson()` (`datasets/trend-reading.yaml`). The table is defined in
`course/store.py`. Nothing here logs what people type.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from course import settings
from course.charts import SERIES_STYLES, Series, line_chart_svg
from course.content import ContentError, _node_line, load_yaml, validate
from course.store import Service, Store, _upsert_row, data_log_table, now

FIELDS = (
    "online_referrals",
    "content",
    "contact",
    "conduct",
    "commerce",
    "reason_for_referral",
    "found_later",
)
FOUR_CS = ("content", "contact", "conduct", "commerce")
LABELS = {
    "online_referrals": "Referrals with an online component",
    "content": "Content",
    "contact": "Contact",
    "conduct": "Conduct",
    "commerce": "Commerce",
    "reason_for_referral": "Online harm was the reason for referral",
    "found_later": "Online harm was found later",
}
MAX_COUNT = 100_000
HISTORY_MONTHS = 24  # how many months back a page offers for entry
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

SYNTHETIC_FILE = Path("synthetic") / "referrals.csv"
SYNTHETIC_SCRIPT = "datasets/synthetic/make_referrals.py"
SYNTHETIC_COLUMNS = ("month", *FIELDS, "referral_form")
REFERRAL_FORMS = ("old", "new")
TREND_LESSON_FILE = "trend-reading.yaml"

DEFAULT_MIN_SERVICES = 3  # course/area.py's MIN_SERVICES, until that module exists


class DataLogError(ValueError):
    """A count or month that cannot be saved; the message is plain words for a person."""


@dataclass(frozen=True)
class MonthCounts:
    """One month's counts for one service (or, summed, for an area). `month` is "YYYY-MM"."""

    month: str
    online_referrals: int = 0
    content: int = 0
    contact: int = 0
    conduct: int = 0
    commerce: int = 0
    reason_for_referral: int = 0
    found_later: int = 0

    def value(self, field: str) -> int:
        if field not in FIELDS:
            raise KeyError(f"no data log field {field!r}")
        return getattr(self, field)


@dataclass(frozen=True)
class AreaMonth:
    """One month of an area: how many of its services reported, and their summed counts.

    `totals` is None (hidden) when fewer than `MIN_SERVICES` services reported that month.
    """

    month: str
    services: int
    totals: MonthCounts | None

    @property
    def hidden(self) -> bool:
        return self.totals is None


# --- months -------------------------------------------------------------------------------


def today_utc() -> date:
    return datetime.now(UTC).date()


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_label(month: str) -> str:
    """ "2026-11" -> "November 2026"."""
    year, number = _parse_month(month)
    return f"{MONTH_NAMES[number - 1]} {year}"


def recent_months(count: int = HISTORY_MONTHS, today: date | None = None) -> list[str]:
    """The last `count` months, newest first, this month included."""
    day = today or today_utc()
    year, number = day.year, day.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return months


def _parse_month(month: object) -> tuple[int, int]:
    if not isinstance(month, str):
        raise DataLogError("The month must be given as text, year then month, for example 2026-03.")
    found = _MONTH.match(month)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise DataLogError(f"{month!r} is not a month: give the year then the month, for example 2026-03.")
    return int(found.group(1)), int(found.group(2))


def check_month(month: object, today: date | None = None) -> str:
    """`month` if it is a real month ("YYYY-MM") and not in the future; DataLogError otherwise."""
    year, number = _parse_month(month)
    day = today or today_utc()
    if (year, number) > (day.year, day.month):
        raise DataLogError(
            f"{month_label(str(month))} has not happened yet: counts can only be recorded for past months."
        )
    return str(month)


# --- checking counts ----------------------------------------------------------------------


def check_count(field: str, value: object) -> int:
    """One count as it will be stored: a whole number from 0 to 100,000; DataLogError otherwise."""
    if field not in FIELDS:
        raise DataLogError(f"{field!r} is not one of the data log's counts.")
    label = LABELS[field]
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise DataLogError(f"{label}: give a whole number, such as 0, 4 or 12.")
    if value < 0:
        raise DataLogError(f"{label}: a count cannot be less than 0.")
    if value > MAX_COUNT:
        raise DataLogError(f"{label}: a count can be at most {MAX_COUNT:,} in a month. Check the figure.")
    return value


def consistency_problems(counts: MonthCounts) -> list[str]:
    """How the month's counts do not fit together, in plain words (empty when they do)."""
    total = counts.online_referrals
    problems = []
    for field in (*FOUR_CS, "reason_for_referral", "found_later"):
        value = counts.value(field)
        if value > total:
            problems.append(
                f"{LABELS[field]} ({value}) is more than the referrals with an online component ({total}). "
                "Each of these counts is part of that total."
            )
    both = counts.reason_for_referral + counts.found_later
    if both > total:
        problems.append(
            f"Reason for referral ({counts.reason_for_referral}) and found later ({counts.found_later}) add up to "
            f"{both}, more than the referrals with an online component ({total}). A referral is one or the other, "
            "not both."
        )
    return problems


def check_counts(counts: MonthCounts, today: date | None = None) -> list[str]:
    """Every problem with a month's counts, in plain words; an empty list when all is well.

    Checks the month (a real month, not in the future), each count (a whole number from 0 to
    100,000) and how they fit together (`consistency_problems`).
    """
    problems = []
    try:
        check_month(counts.month, today)
    except DataLogError as exc:
        problems.append(str(exc))
    for field in FIELDS:
        try:
            check_count(field, getattr(counts, field))
        except DataLogError as exc:
            problems.append(str(exc))
    if problems:
        return problems
    return consistency_problems(counts)


# --- saving and reading -------------------------------------------------------------------


def _counts(row: sa.Row) -> MonthCounts:
    m = row._mapping
    return MonthCounts(m["month"], *(int(m[field]) for field in FIELDS))


def _row(store: Store, service_id: int, month: str) -> MonthCounts | None:
    table = data_log_table
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(table.c.month, *(table.c[f] for f in FIELDS)).where(
                table.c.service_id == service_id, table.c.month == month
            )
        ).first()
    return _counts(row) if row else None


def save_month(store: Store, service_id: int, counts: MonthCounts, today: date | None = None) -> None:
    """Save a whole month's counts (replacing any saved for that month). DataLogError, and
    nothing written, when `check_counts` finds a problem."""
    problems = check_counts(counts, today)
    if problems:
        raise DataLogError(" ".join(problems))
    values = {field: getattr(counts, field) for field in FIELDS}
    values["updated_at"] = now()
    keys = {"service_id": service_id, "month": counts.month}
    store.write(lambda conn: _upsert_row(conn, data_log_table, keys, values))


def save_field(
    store: Store, service_id: int, month: str, field: str, value: object, today: date | None = None
) -> list[str]:
    """Save one count the moment it is typed; the month's other counts are kept (0 if none yet).

    DataLogError, and nothing written, if the month or the value itself is impossible. A value
    that does not yet fit the month's other counts is saved all the same (nothing a person
    types is lost); the returned list says, in words, what does not fit (empty when all fits).
    """
    month = check_month(month, today)
    count = check_count(field, value)
    keys = {"service_id": service_id, "month": month}

    def work(conn: sa.Connection) -> None:
        exists = conn.execute(
            sa.select(data_log_table.c.month).where(
                data_log_table.c.service_id == service_id, data_log_table.c.month == month
            )
        ).first()
        values: dict[str, object] = {field: count, "updated_at": now()}
        if exists is None:  # a new month: its other counts start at 0
            _upsert_row(conn, data_log_table, keys, {**dict.fromkeys(FIELDS, 0), **values})
        else:
            conn.execute(
                sa.update(data_log_table)
                .where(data_log_table.c.service_id == service_id, data_log_table.c.month == month)
                .values(**values)
            )

    store.write(work)
    saved = _row(store, service_id, month)
    return consistency_problems(saved) if saved else []


def month_log(store: Store, service_id: int) -> list[MonthCounts]:
    """A service's saved months, oldest first."""
    table = data_log_table
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.month, *(table.c[f] for f in FIELDS))
            .where(table.c.service_id == service_id)
            .order_by(table.c.month)
        ).all()
    return [_counts(row) for row in rows]


def month_counts(store: Store, service_id: int, month: str) -> MonthCounts | None:
    """One saved month of a service, or None if nothing is saved for it."""
    return _row(store, service_id, month)


# --- the area -----------------------------------------------------------------------------


def min_services() -> int:
    """The fewest services an area figure is built from (course/area.py's MIN_SERVICES)."""
    try:
        from course.area import MIN_SERVICES
    except ImportError:
        return DEFAULT_MIN_SERVICES
    return int(MIN_SERVICES)


def area_service_list(store: Store, area: str) -> list[Service]:
    """The services of an area (course/area.py); none when there is no area."""
    if not area:
        return []
    try:
        from course.area import area_services
    except ImportError:
        return []
    return list(area_services(store, area))


def area_monthly(store: Store, area: str) -> list[AreaMonth]:
    """Per month, oldest first, the counts summed across the area's services.

    Every month any service of the area reported is listed with the number of services that
    reported; its `totals` are None (hidden) when fewer than `MIN_SERVICES` did. A month whose
    counts do not fit together (`consistency_problems`) does not count as reported.
    """
    ids = [s.id for s in area_service_list(store, area)]
    if not ids:
        return []
    table = data_log_table
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.month, *(table.c[f] for f in FIELDS)).where(table.c.service_id.in_(ids))
        ).all()
    by_month: dict[str, list[MonthCounts]] = {}
    for row in rows:
        counts = _counts(row)
        if not consistency_problems(counts):
            by_month.setdefault(counts.month, []).append(counts)
    least = min_services()
    result = []
    for month in sorted(by_month):
        reported = by_month[month]
        totals = None
        if len(reported) >= least:
            totals = MonthCounts(month, *(sum(c.value(f) for c in reported) for f in FIELDS))
        result.append(AreaMonth(month, len(reported), totals))
    return result


# --- trends -------------------------------------------------------------------------------


def rolling_mean(values: list[int] | list[float], window: int = 3) -> list[float | None]:
    """The trailing mean of each value and the `window - 1` before it; None until there are enough."""
    result: list[float | None] = []
    for i in range(len(values)):
        if i + 1 < window:
            result.append(None)
        else:
            result.append(sum(values[i + 1 - window : i + 1]) / window)
    return result


def log_csv(log: list[MonthCounts]) -> str:
    """A service's log as CSV text: a header, then one month a line."""
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("month", *FIELDS))
    for counts in log:
        writer.writerow((counts.month, *(counts.value(f) for f in FIELDS)))
    return out.getvalue()


# --- the synthetic data set -----------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticMonth:
    """One month of the synthetic service: its counts, and which referral form was in use
    ("old": online elements often not recorded; "new": a question on every referral)."""

    counts: MonthCounts
    referral_form: str

    @property
    def month(self) -> str:
        return self.counts.month


def synthetic_path() -> Path:
    return settings.content_dir() / SYNTHETIC_FILE


def load_synthetic(path: Path | None = None) -> list[SyntheticMonth]:
    """Load and check the synthetic data set. ContentError naming the file, the line and the
    problem if it is not what `make_referrals.py` writes."""
    path = path or synthetic_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(
            path, None, f"file not found: make it with `python {SYNTHETIC_SCRIPT} > {path.name}`"
        ) from None
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, f"not UTF-8 text ({exc.reason})") from None
    lines = text.splitlines()
    if not lines or "SYNTHETIC" not in lines[0]:
        raise ContentError(path, 1, "the first line must say the data are SYNTHETIC")
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    if not any(SYNTHETIC_SCRIPT in line for line in lines[:start]):
        raise ContentError(
            path, 1, f"the opening comment lines must name the script that made the file, {SYNTHETIC_SCRIPT}"
        )
    reader = csv.reader(lines[start:])
    months: list[SyntheticMonth] = []
    header_line = start + 1
    for offset, cells in enumerate(reader):
        line = start + offset + 1
        if line == header_line:
            if tuple(cells) != SYNTHETIC_COLUMNS:
                raise ContentError(path, line, f"the header must be {','.join(SYNTHETIC_COLUMNS)}")
            continue
        if not cells:
            raise ContentError(path, line, "an empty line")
        if len(cells) != len(SYNTHETIC_COLUMNS):
            raise ContentError(path, line, f"{len(cells)} values; expected {len(SYNTHETIC_COLUMNS)}")
        month = cells[0]
        try:
            _parse_month(month)
        except DataLogError as exc:
            raise ContentError(path, line, str(exc)) from None
        if months:
            expected = _next_month(months[-1].month)
            if month != expected:
                raise ContentError(path, line, f"month {month} should be {expected}: months must follow on one by one")
        values = []
        for field, cell in zip(FIELDS, cells[1:-1], strict=True):
            if not re.fullmatch(r"\d{1,6}", cell.strip()):
                raise ContentError(path, line, f"{field} is {cell!r}; expected a whole number from 0 to {MAX_COUNT:,}")
            try:
                values.append(check_count(field, int(cell)))
            except DataLogError as exc:
                raise ContentError(path, line, str(exc)) from None
        counts = MonthCounts(month, *values)
        problems = consistency_problems(counts)
        if problems:
            raise ContentError(path, line, problems[0])
        form = cells[-1]
        if form not in REFERRAL_FORMS:
            raise ContentError(path, line, f"referral_form is {form!r}; expected one of {', '.join(REFERRAL_FORMS)}")
        if months and months[-1].referral_form == "new" and form == "old":
            raise ContentError(path, line, "the old referral form cannot come back after the new one started")
        months.append(SyntheticMonth(counts, form))
    if not months:
        raise ContentError(path, None, "no months of data")
    return months


def _next_month(month: str) -> str:
    year, number = _parse_month(month)
    return f"{year + 1:04d}-01" if number == 12 else f"{year:04d}-{number + 1:02d}"


@cache
def synthetic_referrals() -> list[SyntheticMonth]:
    """The synthetic data set, loaded once per process."""
    return load_synthetic()


def new_form_month(data: list[SyntheticMonth]) -> str | None:
    """The first month recorded on the new referral form (the step change), if any."""
    return next((m.month for m in data if m.referral_form == "new"), None)


# --- the trend-reading lesson ---------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class TrendQuestion:
    id: str
    text: str
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(f"no option {option_id!r} in question {self.id!r}")


@dataclass(frozen=True)
class LessonPart:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class TrendLesson:
    """The lesson: an introduction, parts with headings, a note on the synthetic data, the
    chart's description, and multiple-choice questions with feedback for every option."""

    id: str
    title: str
    introduction: str
    synthetic_note: str
    chart_description: str
    parts: tuple[LessonPart, ...]
    questions: tuple[TrendQuestion, ...]
    credit: str


def _tidy(text: str) -> str:
    return " ".join(text.split())


def load_trend_lesson(path: Path | None = None) -> TrendLesson:
    """Load and validate `datasets/trend-reading.yaml`; ContentError naming file, line, problem."""
    path = path or settings.content_dir() / TREND_LESSON_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "trend-reading.schema.json")
    for i, question in enumerate(data["questions"]):
        ids = [o["id"] for o in question["options"]]
        if len(set(ids)) != len(ids):
            raise ContentError(path, _node_line(node, ["questions", i, "options"]), "an option id is used twice")
        right = sum(1 for o in question["options"] if o.get("correct"))
        if right != 1:
            raise ContentError(
                path,
                _node_line(node, ["questions", i, "id"]),
                f"question {question['id']!r} has {right} options marked correct; exactly one must be",
            )
    question_ids = [q["id"] for q in data["questions"]]
    if len(set(question_ids)) != len(question_ids):
        raise ContentError(path, None, "a question id is used twice")
    return TrendLesson(
        id=data["id"],
        title=data["title"],
        introduction=_tidy(data["introduction"]),
        synthetic_note=_tidy(data["synthetic_note"]),
        chart_description=_tidy(data["chart_description"]),
        parts=tuple(LessonPart(p["heading"], tuple(_tidy(t) for t in p["paragraphs"])) for p in data["parts"]),
        questions=tuple(
            TrendQuestion(
                q["id"],
                _tidy(q["text"]),
                tuple(
                    Option(o["id"], _tidy(o["text"]), bool(o.get("correct", False)), _tidy(o["feedback"]))
                    for o in q["options"]
                ),
            )
            for q in data["questions"]
        ),
        credit=_tidy(data["credit"]),
    )


@cache
def trend_lesson() -> TrendLesson:
    """The trend-reading lesson, loaded once per process."""
    return load_trend_lesson()


# --- charts -------------------------------------------------------------------------------
#
# Trend charts are small SVGs built here, like the section pages' radar (course/charts.py):
# a plotly FigureWidget carries plotly's 5 MB JavaScript bundle in its state on every page
# view (measured: 5,075,269 bytes per figure), and the Data page shows three charts. The
# drawing (`Series`, `SERIES_STYLES`, `line_chart_svg`) lives in course/charts.py, shared with
# the rounds trend. Series are told apart by dash pattern, marker shape and a legend in words,
# never by colour alone; the SVG's description gives the figures in words, and every chart
# has a table beside it.


AVERAGE_STYLE = ("#1a1a1a", "7 4", "none")


def _short_month(month: str) -> str:
    year, number = _parse_month(month)
    return f"{MONTH_NAMES[number - 1][:3]} {year}"


def trend_svg(
    chart_id: str,
    title: str,
    months: list[str],
    series: list[Series],
    *,
    marker_month: str | None = None,
    marker_label: str = "",
    y_label: str = "Referrals",
    width: int = 760,
    height: int = 340,
) -> str:
    """A line chart of monthly values as an SVG string (`course.charts.line_chart_svg`), with a
    visible title, a legend in words and a description giving every value. `marker_month`
    draws a dotted vertical line with `marker_label` (for a change in how data was recorded)."""
    return line_chart_svg(
        chart_id,
        title,
        months,
        [_short_month(m) for m in months],
        [month_label(m) for m in months],
        series,
        x_attr="months",
        y_label=y_label,
        marker_at=months.index(marker_month) if marker_month and marker_month in months else None,
        marker_label=marker_label,
        marker_words=month_label(marker_month) if marker_month else "",
        width=width,
        height=height,
    )


def counts_series(log: list[MonthCounts], fields: tuple[str, ...]) -> list[Series]:
    """One series per field, styled in turn (SERIES_STYLES)."""
    result = []
    for field, (colour, dash, marker) in zip(fields, SERIES_STYLES, strict=False):
        values = tuple(float(c.value(field)) for c in log)
        result.append(Series(LABELS[field], values, colour, dash, marker, 2.5 if field == "online_referrals" else 2.0))
    return result


def average_series(name: str, values: list[float | None]) -> Series:
    """The rolling three-month average of `values`, as a dashed line without markers."""
    colour, dash, marker = AVERAGE_STYLE
    averaged = rolling_mean([v or 0.0 for v in values])
    # No average where any of its three months has no value.
    for i in range(len(values)):
        if any(values[j] is None for j in range(max(0, i - 2), i + 1)):
            averaged[i] = None
    return Series(name, tuple(averaged), colour, dash, marker, 2.5)


# --- the command line: `online-lives data-log --service NAME [--csv FILE]` ------------------


def _data_log_command(args) -> int:  # type: ignore[no-untyped-def]
    import sys

    store = Store()
    service = store.find_service(args.service)
    log = month_log(store, service.id)
    if args.csv:
        Path(args.csv).write_text(log_csv(log), encoding="utf-8", newline="")
        print(f"Wrote {len(log)} months to {args.csv}", file=sys.stderr)
    if not log:
        print(f"{service.name}: no months recorded yet. Record them on the Data page (01-data.ipynb).")
        return 0
    header = ("month", "online", "content", "contact", "conduct", "commerce", "reason", "found later", "check")
    rows = [
        (
            counts.month,
            *(str(counts.value(f)) for f in FIELDS),
            "to check: " + " ".join(consistency_problems(counts)) if consistency_problems(counts) else "ok",
        )
        for counts in log
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header[:-1])]
    print(f"Data log of {service.name} (counts of referrals with an online component)")
    print("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=True)).rstrip())
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, [*widths, 0], strict=True)).rstrip())
    return 0


def add_parser(sub) -> None:  # type: ignore[no-untyped-def]
    """Register `online-lives data-log` (called by course/cli.py)."""
    parser = sub.add_parser("data-log", help="print a service's data log: monthly counts of online referrals")
    parser.add_argument("--service", required=True, help="the service's name")
    parser.add_argument("--csv", help="also write the log to this CSV file")
    parser.set_defaults(func=_data_log_command)
