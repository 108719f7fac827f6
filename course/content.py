"""Loading and validating the course content in `datasets/`.

Every content file is YAML checked against a JSON Schema beside it. A file that is not
valid fails with a `ContentError` naming the file, the line and what is wrong, so that a
person editing the content can find and fix the problem without reading Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import jsonschema
import yaml

from course import settings

T = TypeVar("T")

PLANNER_FILE = "planner.yaml"
SCHEMA_DIR = "schemas"


class ContentError(ValueError):
    """A content file is missing, malformed or breaks its schema."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line else str(self.path)
        super().__init__(f"{where}: {problem}")


def by_id(items: Iterable[T], wanted: str, what: str) -> T:
    """The item whose `id` is `wanted`; KeyError naming `what` if there is none."""
    for item in items:
        if item.id == wanted:  # type: ignore[attr-defined]
            return item
    raise KeyError(f"no {what} {wanted!r}")


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    section_id: str
    revised: str | None = None  # the planner version in which the wording last changed, if given


@dataclass(frozen=True)
class Section:
    id: str
    number: int
    title: str
    heading: str
    notebook: str
    summary: str
    explanation: str
    statements: tuple[Statement, ...]
    prompt: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Source:
    title: str
    authors: tuple[str, ...]
    publisher: str
    year: int
    credit: str


@dataclass(frozen=True)
class Planner:
    id: str
    version: str
    title: str
    subtitle: str
    source: Source
    scale: tuple[ScaleLevel, ...]
    qa_explanation: str
    sections: tuple[Section, ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for section in self.sections for s in section.statements)

    def section(self, section_id: str) -> Section:
        return by_id(self.sections, section_id, "planner section")

    def statement(self, statement_id: str) -> Statement:
        return by_id(self.statements, statement_id, "planner statement")

    def descriptor(self, level: int) -> str:
        return self.scale[level].descriptor


def version_key(version: str) -> tuple[tuple[int, object], ...]:
    """A planner version as something to compare: "2017.1" < "2017.2" < "2027.1" (numbers compare
    as numbers, any other part as text)."""
    parts = [p for p in version.replace("-", ".").split(".") if p]
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


# --- YAML with line numbers -------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _walk(node: yaml.Node | None, path: list[Any]) -> tuple[yaml.Node | None, bool]:
    """The YAML node at `path`, or its nearest existing parent; and whether all of `path` was found."""
    if node is None:
        return None, False
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            child = node.value[step]
        if child is None:
            return node, False
        node = child
    return node, True


def _node_line(node: yaml.Node | None, path: list[Any]) -> int | None:
    """The 1-based line of the YAML node at `path` (or of its nearest existing parent)."""
    found, _ = _walk(node, path)
    return found.start_mark.line + 1 if found is not None else None


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file, returning the data and its node tree (for line numbers)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(path, None, "file not found") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1  # the line holding the first bad byte
        raise ContentError(path, line, f"not UTF-8 text ({exc.reason})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and exc.problem and "end of stream" in exc.problem:
            mark = exc.context_mark  # an unclosed quote or bracket: where it was opened
        line = mark.line + 1 if mark else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise ContentError(path, line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ContentError(path, None, f"not valid YAML: {exc}") from None
    return data, node


def validate(path: Path, data: Any, node: yaml.Node | None, schema_name: str) -> None:
    """Check `data` against a schema in `datasets/schemas/`, raising the first error found."""
    schema = load_schema(schema_name)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        error = errors[0]
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        line = _node_line(node, list(error.absolute_path))
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            extra = next((key for key in error.instance if key not in allowed), None)
            line = _key_line(node, list(error.absolute_path), extra) or line
        raise ContentError(path, line, f"at {where}: {_message(error)}")


def _key_line(node: yaml.Node | None, path: list[Any], key: Any) -> int | None:
    """The 1-based line of `key` itself in the mapping at `path` (None if not found)."""
    found, complete = _walk(node, path)
    if complete and isinstance(found, yaml.MappingNode):
        for key_node, _ in found.value:
            if key_node.value == key:
                return key_node.start_mark.line + 1
    return None


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"unexpected field ({error.message})"
    if error.validator == "required":
        return f"missing field: {error.message}"
    if error.validator in ("minItems", "maxItems") and isinstance(error.instance, list):
        bound = "at least" if error.validator == "minItems" else "at most"
        return f"has {len(error.instance)} items; it must have {bound} {error.validator_value}"
    return error.message


@cache
def load_schema(name: str) -> dict[str, Any]:
    path = settings.DATASETS_DIR / SCHEMA_DIR / name
    return json.loads(path.read_text(encoding="utf-8"))


# --- The planner --------------------------------------------------------------------------


def load_planner(path: Path | None = None) -> Planner:
    """Load and validate the planner. Raises `ContentError` on any problem."""
    path = path or settings.content_dir() / PLANNER_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "planner.schema.json")
    _check_planner(path, data, node)
    source = data["source"]
    sections = []
    for raw in data["sections"]:
        statements = tuple(
            Statement(s["id"], s["text"].strip(), raw["id"], s.get("revised")) for s in raw["statements"]
        )
        sections.append(
            Section(
                id=raw["id"],
                number=raw["number"],
                title=raw["title"],
                heading=raw["heading"],
                notebook=raw["notebook"],
                summary=raw["summary"].strip(),
                explanation=raw["explanation"].strip(),
                statements=statements,
                prompt=raw.get("prompt"),
                quote=raw.get("quote"),
            )
        )
    return Planner(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        subtitle=data.get("subtitle", ""),
        source=Source(
            title=source["title"],
            authors=tuple(source["authors"]),
            publisher=source["publisher"],
            year=source["year"],
            credit=" ".join(source["credit"].split()),
        ),
        scale=tuple(ScaleLevel(s["level"], s["label"], s["descriptor"]) for s in data["scale"]),
        qa_explanation=" ".join(data["qa_explanation"].split()),
        sections=tuple(sections),
    )


def _check_planner(path: Path, data: dict[str, Any], node: yaml.Node | None) -> None:
    """Rules a JSON Schema cannot express: order, uniqueness and numbering."""
    levels = [s["level"] for s in data["scale"]]
    if levels != [0, 1, 2, 3, 4]:
        first_wrong = next(i for i, level in enumerate(levels) if level != i)
        raise ContentError(
            path,
            _node_line(node, ["scale", first_wrong, "level"]),
            f"the scale must list levels 0 to 4 in order, found {levels}",
        )
    seen_sections: set[str] = set()
    seen_notebooks: set[str] = set()
    seen_statements: set[str] = set()
    for i, section in enumerate(data["sections"]):
        where = ["sections", i]
        if section["id"] in seen_sections:
            raise ContentError(path, _node_line(node, [*where, "id"]), f"section id {section['id']!r} is used twice")
        seen_sections.add(section["id"])
        if section["notebook"] in seen_notebooks:
            raise ContentError(
                path, _node_line(node, [*where, "notebook"]), f"notebook {section['notebook']!r} is used twice"
            )
        seen_notebooks.add(section["notebook"])
        if section["number"] != i + 1:
            raise ContentError(
                path,
                _node_line(node, [*where, "number"]),
                f"section {section['id']!r} is number {section['number']} but stands at position {i + 1}",
            )
        for j, statement in enumerate(section["statements"]):
            sid = statement["id"]
            line = _node_line(node, [*where, "statements", j, "id"])
            if sid in seen_statements:
                raise ContentError(path, line, f"statement id {sid!r} is used twice")
            seen_statements.add(sid)
            revised = statement.get("revised")
            if revised is not None and version_key(revised) > version_key(data["version"]):
                raise ContentError(
                    path,
                    _node_line(node, [*where, "statements", j, "revised"]),
                    f"statement {sid!r} says it was revised in version {revised!r}, "
                    f"newer than the planner's version {data['version']!r}",
                )
            expected = f"{section['number']}.{j + 1}"
            if sid != expected:
                raise ContentError(
                    path,
                    line,
                    f"statement id {sid!r} should be {expected!r} (section {section['number']}, item {j + 1})",
                )


@cache
def planner() -> Planner:
    """The planner from the configured content folder, loaded once per process."""
    return load_planner()


def check_content(modules_dir: Path | None = None) -> list[str]:
    """Load every content file; return a list of problems (empty when all is well)."""
    problems: list[str] = []
    try:
        loaded = load_planner()
    except ContentError as exc:
        return [str(exc)]
    modules_dir = modules_dir or settings.MODULES_DIR
    for section in loaded.sections:
        if not (modules_dir / section.notebook).exists():
            problems.append(f"section {section.id!r}: page {section.notebook} is missing from {modules_dir.name}/")
    # The other content files, each checked against its own schema (imported here: they
    # build on the planner).
    from course.actions import load_next_steps
    from course.area import load_area_guide
    from course.cases import load_cases
    from course.datalog import load_synthetic, load_trend_lesson
    from course.lessons import introduction, load_course, load_help
    from course.qa import load_qa_guide
    from course.quiz import load_item_bank

    loaders = (load_course, load_item_bank, introduction, load_help, load_cases, load_area_guide, load_qa_guide)
    for loader in (*loaders, load_next_steps, load_trend_lesson, load_synthetic):
        try:
            loader()
        except ContentError as exc:
            problems.append(str(exc))
    return problems
