"""Sources of help: national services, the area's local services, and guidance."""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw

from course.lessons import Help, load_help
from course.store import Service
from widgets.common import HELP_PAGE, credit_html, esc, nav_html, request_query, resolve_service, style
from widgets.workshop_join import WorkshopJoin


def _text(value: str) -> str:
    return esc(" ".join(value.split()))


def services_html(data: dict[str, Any]) -> str:
    rows = []
    for service in data["services"]:
        contact = []
        if service.get("phone"):
            contact.append(f"Phone: {esc(service['phone'])}")
        if service.get("email"):
            contact.append(f'Email: <a href="mailto:{esc(service["email"])}">{esc(service["email"])}</a>')
        if service.get("url"):
            contact.append(f'<a href="{esc(service["url"])}">{esc(service["url"])}</a>')
        if service.get("hours"):
            contact.append(esc(service["hours"]))
        rows.append(
            f"<tr><th scope='row'>{esc(service['name'])}</th><td>{_text(service['what'])}</td>"
            f"<td>{esc(', '.join(service['for']))}</td><td>{'<br>'.join(contact)}</td></tr>"
        )
    return (
        '<table class="ol-table ol-services"><thead><tr><th scope="col">Service</th><th scope="col">What it does</th>'
        f'<th scope="col">For</th><th scope="col">Contact</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="ol-status">{_text(data.get("note", ""))}</p><p class="ol-credit">{_text(data["credit"])}</p>'
    )


def guidance_html(guidance: dict[str, Any]) -> str:
    controls = guidance["parental_controls"]
    parts = ["<h2>Parental controls</h2>", f"<p>{_text(controls['introduction'])}</p><ul>"]
    parts += [f"<li><strong>{esc(level['name'])}:</strong> {_text(level['what'])}</li>" for level in controls["levels"]]
    parts.append("</ul>")
    guide = controls["guide"]
    parts.append(f'<p><a href="{esc(guide["url"])}">{esc(guide["title"])}</a></p>')
    parts.append(f'<p class="ol-credit">{_text(controls["credit"])}</p>')

    equality = guidance["equality"]
    parts.append("<h2>Equality and the incitement of hate</h2>")
    parts.append(f"<p>{_text(equality['incitement_of_hate'])}</p><p>{_text(equality['equality_act'])}</p>")
    if equality.get("see_also"):
        parts.append(f"<p>See also: {esc('; '.join(equality['see_also']))}.</p>")
    parts.append(f'<p class="ol-credit">{_text(equality["credit"])}</p>')

    coherent = guidance["coherent_approach"]
    parts.append(
        "<h2>A coherent approach</h2>",
    )
    parts.append(f"<p>{_text(coherent['introduction'])}</p><ul>")
    parts += [f"<li><strong>{esc(i['name'])}:</strong> {_text(i['what'])}</li>" for i in coherent["instruments"]]
    parts.append(f'</ul><p class="ol-credit">{_text(coherent["credit"])}</p>')

    for key, heading in (
        ("essential_documents", "Essential documents"),
        ("useful_documents", "Useful documents"),
        ("further_reading", "Further reading"),
    ):
        block = guidance[key]
        parts.append(f"<h2>{heading}</h2><ul>")
        for item in block["items"]:
            line = f"<strong>{esc(item['title'])}</strong>"
            if item.get("authors"):
                line += f". {esc(item['authors'])}"
            if item.get("details"):
                line += f". {esc(item['details'])}"
            if item.get("year"):
                line += f", {item['year']}"
            if item.get("note"):
                line += f" ({esc(item['note'])})"
            parts.append(f"<li>{line}</li>")
        parts.append(f'</ul><p class="ol-credit">{_text(block["credit"])}</p>')
    return "".join(parts)


def help_html(data: Help) -> str:
    local_area = data.local["area"]
    return (
        "<h1>Sources of help</h1><p>Where to turn for advice, support and reporting, for you, for "
        "the young people you work with, and for their families.</p>"
        "<h2>National services</h2>"
        + services_html(data.national)
        + f'<h2 id="local-services">Local services: {esc(local_area)}</h2>'
        + f"<p>These are the services for {esc(local_area)}. If you work elsewhere, your organisation "
        "should give you its own list.</p>" + services_html(data.local) + guidance_html(data.guidance)
    )


class HelpPage(ipw.VBox):
    """Sources of help. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        self.service: Service | None = None
        self._nav = ipw.HTML(nav_html(None, HELP_PAGE))
        self.workshop = WorkshopJoin()
        self.workshop.observe(self._on_workshop, names="participant_id")
        super().__init__([style(), self._nav, self.workshop, ipw.HTML(help_html(load_help())), ipw.HTML(credit_html())])
        self.add_class("ol-page")
        self.add_class("ol-help")

    def start(self) -> None:
        query = request_query()
        self.service = resolve_service(query)
        self._nav.value = nav_html(self.service, HELP_PAGE)
        self.workshop.resume(query.get("participant"))

    def _on_workshop(self, change: dict) -> None:
        self._nav.value = nav_html(self.service, HELP_PAGE, change["new"])
