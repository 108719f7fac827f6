"""The course plan and its teaching content: module order and minutes, each module's lesson
parts, the introduction, and the sources of help.

All of it is data in `datasets/`, validated against the schemas beside it. A deployer in
another area replaces the local services by editing `datasets/help/local.yaml`, or by
pointing `ONLINE_LIVES_LOCAL_HELP` at their own file of the same shape.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from course import settings
from course.content import ContentError, by_id, load_yaml, planner, validate

COURSE_FILE = "course.yaml"
INTRODUCTION_FILE = "introduction.yaml"
HELP_DIR = "help"
LOCAL_HELP_ENV = "ONLINE_LIVES_LOCAL_HELP"
KINDS = ("introduction", "section", "quiz", "cases", "profile")


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    notebook: str
    kind: str
    minutes: int
    questions: tuple[str, ...]
    objectives: tuple[str, ...]
    key_points: tuple[str, ...]
    facilitator_notes: str


@dataclass(frozen=True)
class CertificateRules:
    """The pass marks for the completion certificate, as fractions above 0 and at most 1:
    `quiz_pass_mark` for a quiz round's mean mark, `case_pass_mark` for a graded case's
    score out of its points."""

    quiz_pass_mark: float
    case_pass_mark: float


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    modules: tuple[Module, ...]
    certificate: CertificateRules

    def module(self, module_id: str) -> Module:
        return by_id(self.modules, module_id, "course module")

    def by_notebook(self, notebook: str) -> Module | None:
        return next((m for m in self.modules if m.notebook == notebook), None)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)


def load_course(path: Path | None = None) -> Course:
    path = path or settings.content_dir() / COURSE_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "course.schema.json")
    modules = tuple(
        Module(
            id=m["id"],
            title=m["title"],
            notebook=m["notebook"],
            kind=m["kind"],
            minutes=m["minutes"],
            questions=tuple(m["questions"]),
            objectives=tuple(m["objectives"]),
            key_points=tuple(m["key_points"]),
            facilitator_notes=m["facilitator_notes"].strip(),
        )
        for m in data["modules"]
    )
    ids = [m.id for m in modules]
    if len(set(ids)) != len(ids):
        raise ContentError(path, None, "a module id is used twice")
    sections = {s.id: s.notebook for s in planner().sections}
    for module in modules:
        if module.kind == "section":
            if module.id not in sections:
                raise ContentError(path, None, f"module {module.id!r} is a section but the planner has no such section")
            if sections[module.id] != module.notebook:
                raise ContentError(
                    path, None, f"module {module.id!r} should use the planner's page {sections[module.id]!r}"
                )
    missing = set(sections) - {m.id for m in modules if m.kind == "section"}
    if missing:
        raise ContentError(path, None, f"the course plan leaves out planner sections {sorted(missing)}")
    rules = data["certificate"]
    certificate = CertificateRules(float(rules["quiz_pass_mark"]), float(rules["case_pass_mark"]))
    return Course(data["id"], data["title"], modules, certificate)


@cache
def course() -> Course:
    return load_course()


@cache
def introduction() -> dict[str, Any]:
    """The introduction module's content, as validated data."""
    path = settings.content_dir() / INTRODUCTION_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "introduction.schema.json")
    return data


def local_help_path() -> Path:
    configured = os.environ.get(LOCAL_HELP_ENV)
    return Path(configured).expanduser() if configured else settings.content_dir() / HELP_DIR / "local.yaml"


def load_services(path: Path) -> dict[str, Any]:
    data, node = load_yaml(path)
    validate(path, data, node, "help.schema.json")
    return data


@dataclass(frozen=True)
class Help:
    national: dict[str, Any]
    local: dict[str, Any]
    guidance: dict[str, Any]


def load_help() -> Help:
    """National services, local services (the deployer's, if configured) and guidance."""
    folder = settings.content_dir() / HELP_DIR
    guidance_path = folder / "guidance.yaml"
    guidance, node = load_yaml(guidance_path)
    validate(guidance_path, guidance, node, "guidance.schema.json")
    return Help(
        national=load_services(folder / "national.yaml"),
        local=load_services(local_help_path()),
        guidance=guidance,
    )
