"""Areas: several services in one store planning together (the planner's "coherent approach").

A local authority's agencies (schools, CAMHS, social care, youth services) each assess
themselves. When they give the same area name, the course can show each of them where
their section scores stand against the area's: the median and the quartiles across the
area's services. This module holds those calculations; the page is `widgets/area_page.py`
and the local-authority lead's commands are `online-lives area ...`.

Rules:

- The area is `services.area` (see `course/store.py`): "" means no area. Names are
  compared without regard to case, so "Northshire" and "northshire " are one area, spelt
  the way it was first given.
- A section's figures are built from the services that have a self-assessed mean for it
  (at least one scored statement). When fewer than `MIN_SERVICES` services have one, the
  median and quartiles are hidden (None), so no single service's score can be read off them.
- Quartiles use `statistics.quantiles(means, n=4, method="inclusive")`: the values are
  sorted and the quartiles interpolated linearly between them, the lowest value counting
  as the 0th percentile and the highest as the 100th (Excel's QUARTILE.INC, numpy's
  default "linear" percentile). For 1, 2, 3 the lower quartile is 1.5, the median 2 and the
  upper quartile 2.5; for 1, 2, 3, 4 they are 1.75, 2.5 and 3.25.

A service only ever sees its own detail and these aggregates; the side-by-side table of
every service (`export_rows`, `export_csv`, `export_xlsx`) is for the local-authority lead
who runs the server, from the command line only.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from course import settings
from course.content import Planner, load_yaml, validate
from course.exports import _csv_safe
from course.scoring import SectionSummary, summarise
from course.store import MAX_AREA_NAME, Service, Store, clean_label, services_table

MIN_SERVICES = 3  # no figure is shown when fewer services than this have a mean
# Quartiles need more: with 3 services the lower quartile, median and upper quartile are
# (a+b)/2, b and (b+c)/2, from which anyone can work out all three services' figures; with
# 4 much the same. From 5 services they no longer give any one service away.
MIN_SERVICES_FOR_QUARTILES = 5
KINDS = ("self", "qa")  # self-assessed means, or the QA check's means
HIDDEN_TEXT = "fewer than 3 services"
_TOLERANCE = 1e-9
GUIDE_FILE = "area.yaml"


def load_area_guide(path: Path | None = None) -> dict[str, Any]:
    """The area page's explanation (datasets/area.yaml), validated: `what_an_area_is` and
    `how_to_read` (lists of paragraphs) and `area_name_help`. Raises ContentError."""
    path = path or settings.content_dir() / GUIDE_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "area.schema.json")
    return data


@cache
def area_guide() -> dict[str, Any]:
    return load_area_guide()


@dataclass(frozen=True)
class SectionStats:
    """One section across an area: how many services have a mean for it, and the median
    and quartiles of those means (all None when fewer than `MIN_SERVICES` have one; the
    quartiles None when fewer than `MIN_SERVICES_FOR_QUARTILES` have one)."""

    section_id: str
    services: int
    median: float | None
    q1: float | None
    q3: float | None

    @property
    def hidden(self) -> bool:
        return self.median is None


def clean_area(area: object) -> str:
    """An area name with its white space tidied; "" for none. ValueError with a plain
    message if it is not text, too long or unshowable."""
    if isinstance(area, str) and not area.strip():
        return ""
    return clean_label(area, "area name", "name for the area, for example \u201cNorthshire\u201d", MAX_AREA_NAME)


def set_area(store: Store, service_id: int, area: str) -> Service:
    """Put a service in an area ("" takes it out of any area); returns the updated service.

    An existing area of the same name in another case is used as it is spelt there, so one
    area is never split in two by capital letters.
    """
    cleaned = clean_area(area)
    table = services_table

    def update(conn: sa.Connection) -> Service:
        row = conn.execute(sa.select(table).where(table.c.id == service_id)).first()
        if row is None:
            raise ValueError("That service is not in the store any more. Choose it again on the course home.")
        name = cleaned
        if cleaned:
            existing = conn.execute(sa.select(table.c.area).where(table.c.area != "").distinct()).scalars()
            name = next((a for a in sorted(existing) if a.casefold() == cleaned.casefold()), cleaned)
        conn.execute(sa.update(table).where(table.c.id == service_id).values(area=name))
        return Service(**{**row._mapping, "area": name})

    return store.write(update)


def areas(store: Store) -> list[str]:
    """Every area that has at least one service, alphabetically."""
    return sorted({s.area for s in store.services() if s.area}, key=str.casefold)


def area_services(store: Store, area: str) -> list[Service]:
    """The services in an area (case-insensitive name), by name; [] for "" or an unknown area."""
    wanted = clean_area(area).casefold()
    if not wanted:
        return []
    return [s for s in store.services() if s.area and s.area.casefold() == wanted]


def quartiles(values: list[float]) -> tuple[float, float, float] | None:
    """(lower quartile, median, upper quartile) of the values by the inclusive method; None
    for fewer than `MIN_SERVICES` values."""
    if len(values) < MIN_SERVICES:
        return None
    q1, median, q3 = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return q1, median, q3


def _mean(summary: SectionSummary, kind: str) -> float | None:
    return summary.self_mean if kind == "self" else summary.qa_mean


def service_summaries(store: Store, planner: Planner, services: list[Service]) -> dict[int, list[SectionSummary]]:
    """Each service's current section summaries (planner order), by service id."""
    return {s.id: summarise(planner, store.answers(s.id)) for s in services}


def stats_from_summaries(
    planner: Planner,
    summaries: list[list[SectionSummary]],
    kind: str = "self",
    quartiles_from: int = MIN_SERVICES_FOR_QUARTILES,
) -> list[SectionStats]:
    """The area's figures for each section, from every member service's summaries; the
    quartiles only where at least `quartiles_from` services have a mean."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    result = []
    for index, section in enumerate(planner.sections):
        means = [m for service in summaries if (m := _mean(service[index], kind)) is not None]
        found = quartiles(means)
        q1, median, q3 = found if found else (None, None, None)
        if len(means) < quartiles_from:
            q1 = q3 = None  # with 3 or 4 services the quartiles would give away their figures
        result.append(SectionStats(section.id, len(means), median, q1, q3))
    return result


def area_section_stats(store: Store, planner: Planner, area: str, kind: str = "self") -> list[SectionStats]:
    """For each section in planner order: the number of the area's services with a mean
    (self-assessed, or "qa" for the QA check's), and the median and quartiles of those means."""
    summaries = service_summaries(store, planner, area_services(store, area))
    return stats_from_summaries(planner, list(summaries.values()), kind)


def service_position(mean: float | None, stats: SectionStats) -> str | None:
    """Where a service's own section mean stands in the area, in words; None when the
    area's figures are hidden or the service has no mean for the section.

    Above the upper quartile: "in the top quarter of the area"; below the lower quartile:
    "in the bottom quarter of the area" (only where the quartiles are shown); otherwise above,
    at or below the median.
    """
    if mean is None or stats.median is None:
        return None
    if stats.q3 is not None and mean > stats.q3 + _TOLERANCE:
        return "in the top quarter of the area"
    if stats.q1 is not None and mean < stats.q1 - _TOLERANCE:
        return "in the bottom quarter of the area"
    if mean > stats.median + _TOLERANCE:
        return "above the area median"
    if mean < stats.median - _TOLERANCE:
        return "below the area median"
    return "at the area median"


# --- the local-authority lead's side-by-side export -----------------------------------------


def export_header(planner: Planner) -> list[str]:
    """The export's columns: the service, then four per section."""
    header = ["service"]
    for section in planner.sections:
        label = f"{section.number}. {section.title}"
        header += [f"{label}: self mean", f"{label}: QA mean", f"{label}: statements scored", f"{label}: flags"]
    return header


def export_rows(store: Store, planner: Planner, area: str) -> list[list[object]]:
    """One row per service of the area (by name): per section its self and QA means, the
    number of statements scored and the number of flags; then the area's lower quartile,
    median and upper quartile rows (self and QA; "fewer than 3 services" where hidden)."""
    services = area_services(store, area)
    if not services:
        raise ValueError(f"No service is in an area called {clean_area(area)!r}.")
    summaries = service_summaries(store, planner, services)
    rows: list[list[object]] = []
    for service in services:
        row: list[object] = [service.name]
        for s in summaries[service.id]:
            row += [s.self_mean, s.qa_mean, s.answered, len(s.flags)]
        rows.append(row)
    # The lead sees every service's own figures here, so the quartiles give nothing away.
    self_stats = stats_from_summaries(planner, list(summaries.values()), "self", quartiles_from=MIN_SERVICES)
    qa_stats = stats_from_summaries(planner, list(summaries.values()), "qa", quartiles_from=MIN_SERVICES)
    for label, attribute in (("lower quartile", "q1"), ("median", "median"), ("upper quartile", "q3")):
        row = [f"Area {label}"]
        for own, qa in zip(self_stats, qa_stats, strict=True):
            row += [_figure(getattr(own, attribute)), _figure(getattr(qa, attribute)), "", ""]
        rows.append(row)
    return rows


def _figure(value: float | None) -> float | str:
    return HIDDEN_TEXT if value is None else round(value, 3)


def export_csv(store: Store, planner: Planner, area: str) -> str:
    """The side-by-side table as CSV; text cells cannot run as spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header(planner))
    for row in export_rows(store, planner, area):
        writer.writerow([_csv_safe(value) for value in row])
    return out.getvalue()


def export_xlsx(store: Store, planner: Planner, area: str) -> bytes:
    """The side-by-side table as a workbook: an "Area" sheet (bold header, frozen first row
    and column, numbers as numbers) and an "About" sheet (the area, the rules, the credit)."""
    from openpyxl import Workbook  # only exports pay for openpyxl
    from openpyxl.styles import Font

    rows = export_rows(store, planner, area)
    members = area_services(store, area)
    book = Workbook()
    sheet = book.active
    sheet.title = "Area"
    sheet.append(export_header(planner))
    for row in rows:
        sheet.append([_csv_safe(v) if isinstance(v, str) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=len(rows) - 1, max_row=len(rows) + 1, max_col=1):
        row[0].font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 32
    about = book.create_sheet("About")
    about.append(["Area", _csv_safe(members[0].area)])
    about.append(["Services", len(members)])
    about.append(["Planner", f"{planner.id} version {planner.version}"])
    about.append(
        [
            "Rules",
            "Means are of the scored statements only. Quartiles: inclusive method (Excel QUARTILE.INC). "
            f"Area figures are hidden where fewer than {MIN_SERVICES} services have scored a section.",
        ]
    )
    about.append(["Credit", _csv_safe(planner.source.credit)])
    about.column_dimensions["A"].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the `online-lives area` commands (for the local-authority lead who runs the server) ----


def _find_service(store: Store, name: str) -> Service:
    return store.find_service(name)


def _cli_list(args: argparse.Namespace) -> int:
    store = Store()
    found = areas(store)
    if not found:
        print('No areas yet. Put a service in one with: online-lives area set --service NAME --area "Area name"')
        return 0
    print("area\tservices")
    for area in found:
        print(f"{area}\t{len(area_services(store, area))}")
    return 0


def _cli_set(args: argparse.Namespace) -> int:
    store = Store()
    service = set_area(store, _find_service(store, args.service).id, args.area)
    if service.area:
        count = len(area_services(store, service.area))
        print(f"{service.name} is now in the area {service.area!r} ({count} service{'s' if count != 1 else ''}).")
    else:
        print(f"{service.name} is not in any area now.")
    return 0


def _cli_export(args: argparse.Namespace) -> int:
    from course.content import planner

    store = Store()
    if not area_services(store, args.area):
        known = ", ".join(areas(store)) or "none yet"
        print(f"No service is in an area called {args.area!r}. Areas: {known}.", file=sys.stderr)
        return 1
    if args.format == "xlsx":
        Path(args.output).write_bytes(export_xlsx(store, planner(), args.area))
    else:
        Path(args.output).write_text(export_csv(store, planner(), args.area), encoding="utf-8", newline="")
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `online-lives area list|set|export`."""
    area = sub.add_parser("area", help="areas of several services: list, set a service's area, export side by side")
    commands = area.add_subparsers(dest="area_command", required=True)

    listing = commands.add_parser("list", help="list the areas and how many services each has")
    listing.set_defaults(func=_cli_list)

    setting = commands.add_parser("set", help="put a service in an area (an empty --area takes it out)")
    setting.add_argument("--service", required=True, help="the service's name")
    setting.add_argument("--area", required=True, help='the area\'s name, for example "Northshire"; "" for none')
    setting.set_defaults(func=_cli_set)

    export = commands.add_parser(
        "export", help="every service of an area side by side, with the area's quartiles and median"
    )
    export.add_argument("--area", required=True, help="the area's name")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", "-o", required=True, help="file to write")
    export.set_defaults(func=_cli_export)
