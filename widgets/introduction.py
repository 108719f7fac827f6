"""The introduction module: online lives, definitions, the four Cs, impacts, vulnerable
groups and research messages, all from `datasets/introduction.yaml` and `risks.yaml`."""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from course.lessons import course, introduction
from course.store import Service
from widgets.common import credit_html, esc, nav_html, request_query, resolve_service, style
from widgets.lesson import FacilitatorNotes, is_trainer_view, key_points_html, lesson_header_html
from widgets.module_complete import ModuleComplete
from widgets.quiz_page import categories_html
from widgets.workshop_join import WorkshopJoin

INTRO_PAGE = "00-introduction.ipynb"
INTRO_MODULE = "introduction"


def _quote(text: str, source: str) -> str:
    body = esc(" ".join(text.split()))
    return f'<blockquote class="ol-quote"><p>{body}</p><p class="ol-credit">{esc(source)}</p></blockquote>'


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(' '.join(i.split()))}</li>" for i in items) + "</ul>"


def introduction_html(data: dict[str, Any]) -> str:
    lives = data["online_lives"]
    parts = ["<h2>What online lives means in this work</h2>"]
    parts += [f"<p>{esc(' '.join(p.split()))}</p>" for p in lives["paragraphs"]]
    if lives.get("quote"):
        parts.append(_quote(lives["quote"], lives["quote_source"]))

    parts.append("<h2>Definitions</h2>")
    for definition in data["definitions"]:
        parts.append(f'<h3 id="{esc(definition["id"])}">{esc(definition["term"])}</h3>')
        parts.append(f"<p>{esc(' '.join(definition['explanation'].split()))}</p>")
        if definition.get("elements"):
            parts.append(
                "<ul>"
                + "".join(
                    f"<li><strong>{esc(e['name'])}:</strong> {esc(e['meaning'])}</li>" for e in definition["elements"]
                )
                + "</ul>"
            )
        if definition.get("quote"):
            parts.append(_quote(definition["quote"], definition["quote_source"]))

    parts.append(f"<p>{esc(' '.join(data['four_cs']['introduction'].split()))}</p>")
    parts.append(categories_html())

    impacts = data["impacts"]
    parts.append("<h2>Impacts of online life</h2><h3>Harms young people describe</h3>")
    parts.append(_list(impacts["negative"]))
    parts.append("<h3>What is good about it</h3>")
    parts.append(_list(impacts["positive"]))
    parts.append(f'<p class="ol-credit">{esc(" ".join(impacts["credit"].split()))}</p>')

    groups = data["vulnerable_groups"]
    parts.append("<h2>Who is more vulnerable online</h2>")
    parts.append(_list(groups["groups"]))
    parts.append(f"<p>{esc(' '.join(groups['explanation'].split()))}</p>")
    parts.append('<p class="ol-credit">Sources:</p>' + _list(groups["citations"]))

    parts.append("<h2>Messages from research</h2><ul>")
    for message in data["research_messages"]:
        parts.append(
            f"<li>{esc(' '.join(message['text'].split()))} "
            f'<span class="ol-credit">({esc(message["source"])})</span></li>'
        )
    parts.append("</ul>")
    parts.append(f'<p class="ol-credit">{esc(" ".join(data["credit"].split()))}</p>')
    return "".join(parts)


class IntroductionPage(ipw.VBox):
    """The introduction module. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        self.module = course().module(INTRO_MODULE)
        self.service: Service | None = None
        self._nav = ipw.HTML(nav_html(None, INTRO_PAGE))
        self._facilitator = FacilitatorNotes(self.module)
        self.workshop = WorkshopJoin()
        self.workshop.observe(self._on_workshop, names="participant_id")
        self.completion = ModuleComplete(INTRO_MODULE)
        self.completion.observe(self._on_workshop, names="learner")
        super().__init__(
            [
                style(),
                self._nav,
                self.workshop,
                ipw.HTML(f"<h1>{esc(self.module.title)}</h1>" + lesson_header_html(self.module)),
                self._facilitator,
                ipw.HTML(introduction_html(introduction())),
                ipw.HTML(key_points_html(self.module)),
                self.completion,
                ipw.HTML(credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-introduction")

    def start(self) -> None:
        query = request_query()
        self._facilitator.show_for(is_trainer_view(query))
        self.service = resolve_service(query)
        self.completion.start(query)
        self._on_workshop({})
        self.workshop.resume(query.get("participant"))

    def _on_workshop(self, _change: dict) -> None:
        participant = self.workshop.participant_id or None
        self._nav.value = nav_html(self.service, INTRO_PAGE, participant, self.completion.learner or None)
