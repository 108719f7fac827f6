"""Pieces every page shares: the store and planner of this kernel, the request's query
string, page styling, navigation links and download links."""

from __future__ import annotations

import base64
import html
import os
from functools import cache
from urllib.parse import parse_qs, urlencode

import ipywidgets as ipw

from course.content import Planner, planner
from course.lessons import course
from course.store import Service, Store

HOME_PAGE = "home.ipynb"
PROFILE_PAGE = "profile.ipynb"
HELP_PAGE = "help.ipynb"
QA_PAGE = "qa-check.ipynb"
AREA_PAGE = "area.ipynb"
CERTIFICATE_PAGE = "certificate.ipynb"
# Pages that are tools rather than modules of the course plan, linked after the modules.
TOOL_PAGES = ((QA_PAGE, "QA check"), (AREA_PAGE, "Area view"), (CERTIFICATE_PAGE, "Certificate"))


@cache
def store() -> Store:
    """The store for this kernel (one connection pool per kernel)."""
    return Store()


def course_planner() -> Planner:
    return planner()


def request_query() -> dict[str, str]:
    """The page request's query string, as a dict of first values.

    Under Voila with preheated kernels the notebook runs before anyone asks for it; this
    waits for the real request first. Anywhere else it reads QUERY_STRING directly.
    """
    query = None
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import wait_for_request

        query = wait_for_request()
    if query is None:
        query = os.environ.get("QUERY_STRING", "")
    return {key: values[0] for key, values in parse_qs(query or "").items() if values}


def page_link(
    page: str, service: Service | None, participant: str | None = None, learner: str | None = None, **extra: str
) -> str:
    """A relative link to another page of the course, carrying the chosen service, the
    learner id (typed once, for module completions and the certificate) and, in a live
    workshop, the participant id (so the person stays joined from page to page)."""
    query: dict[str, str] = {}
    if service:
        query["service"] = service.slug
    query.update({key: value for key, value in extra.items() if value})
    if learner:
        query["learner"] = learner
    if participant:
        query["participant"] = participant
    return f"{page}?{urlencode(query)}" if query else page


def esc(value: object) -> str:
    """Text made safe to place inside HTML (content and attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def paragraphs(text: str) -> str:
    """Plain text with blank-line paragraphs as escaped HTML paragraphs."""
    parts = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{esc(p)}</p>" for p in parts)


def download_link(text: str | bytes, filename: str, mime: str, label: str, css_class: str = "ol-download") -> str:
    """An <a download> link holding `text` (or bytes, such as a PDF) as a data URI: works in
    Voila and on Binder."""
    if isinstance(text, bytes):
        payload, charset = base64.b64encode(text).decode("ascii"), ""
    else:
        payload, charset = base64.b64encode(text.encode("utf-8")).decode("ascii"), ";charset=utf-8"
    return (
        f'<a class="{css_class}" download="{esc(filename)}" '
        f'href="data:{mime}{charset};base64,{payload}">{esc(label)}</a>'
    )


PAGE_CSS = """
<style>
.ol-page { max-width: 60rem; font-size: 16px; line-height: 1.5; color: #1a1a1a; }
.ol-page h1 { font-size: 2rem; margin: 0.5rem 0 1rem; }
.ol-page h2 { font-size: 1.5rem; margin: 1.5rem 0 0.5rem; }
.ol-page h3 { font-size: 1.15rem; margin: 0.75rem 0 0.25rem; }
.ol-page p { margin: 0 0 0.75rem; }
.ol-page a { color: #0b4f9c; text-decoration: underline; }
.ol-page a:visited { color: #4c2c92; }
.ol-page a:focus, .ol-page button:focus, .ol-page input:focus, .ol-page textarea:focus,
.ol-page select:focus { outline: 3px solid #0b0c0c !important; outline-offset: 2px !important; }
.ol-nav { border-bottom: 1px solid #b1b4b6; padding: 0.5rem 0; margin-bottom: 0.5rem; }
.ol-nav a, .ol-nav strong { margin-right: 1.25rem; display: inline-block; }
.ol-quote { border-left: 4px solid #505a5f; padding-left: 1rem; font-style: italic; }
.ol-credit { font-size: 0.9rem; color: #3d3d3d; }
.ol-statement { border-top: 2px solid #b1b4b6; padding-top: 0.5rem; margin-top: 1rem; }
.ol-flag { border-left: 5px solid #b35806; background: #fff4e5; padding: 0.25rem 0.75rem; margin: 0.25rem 0; }
.ol-ok { border-left: 5px solid #00703c; background: #eef7f1; padding: 0.25rem 0.75rem; margin: 0.25rem 0; }
.ol-error { border-left: 5px solid #b10e1e; background: #fdecee; padding: 0.25rem 0.75rem; margin: 0.25rem 0; }
.ol-status { font-size: 0.9rem; color: #3d3d3d; }
.ol-table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
.ol-table th, .ol-table td { border: 1px solid #b1b4b6; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
.ol-table th { background: #f3f2f1; }
.ol-download { display: inline-block; margin: 0.25rem 1rem 0.25rem 0; padding: 0.4rem 0.8rem;
  border: 2px solid #0b4f9c; border-radius: 4px; font-weight: bold; }
.ol-page .widget-radio-box label { font-size: 15px; line-height: 1.6; }
.ol-page .widget-label { color: #1a1a1a; }
.ol-page .jupyter-button.mod-primary { background-color: #0b4f9c; }
.ol-facilitator { border: 2px dashed #505a5f; background: #f3f2f1; padding: 0.5rem 1rem; margin: 0.5rem 0; }
.ol-key-points { border-left: 5px solid #0b4f9c; padding-left: 1rem; margin-top: 1.5rem; }
.ol-quiz-item { font-size: 1.1rem; }
.ol-page .widget-checkbox { height: auto; align-items: flex-start; margin: 0.25rem 0; }
.ol-page .widget-checkbox label { font-size: 15px; white-space: normal; overflow: visible;
  text-overflow: clip; line-height: 1.4; height: auto; }
.ol-case-question .widget-radio-box label { display: flex; align-items: flex-start; height: auto;
  white-space: normal; overflow: visible; line-height: 1.4; margin: 0.25rem 0; }
.ol-case-question .widget-radio-box input { order: -1; float: none; flex-shrink: 0; height: auto;
  margin-top: 0.2rem; }
.ol-case-question .widget-radio { height: auto; }
.ol-rubric ul { margin: 0; padding-left: 1.2rem; }
.ol-workshop { border: 2px solid #0b4f9c; border-radius: 4px; padding: 0.25rem 0.75rem; margin: 0.5rem 0; }
.ol-workshop .widget-text { margin-right: 1rem; }
.ol-text-share { margin: 0 0 0.5rem 0; }
</style>
"""


def style() -> ipw.HTML:
    return ipw.HTML(PAGE_CSS)


def nav_html(service: Service | None, current: str, participant: str | None = None, learner: str | None = None) -> str:
    """The navigation bar: course home, every module in course order, sources of help."""
    sections = {s.notebook: s for s in course_planner().sections}
    links = [(HOME_PAGE, "Course home")]
    for module in course().modules:
        section = sections.get(module.notebook)
        links.append((module.notebook, f"{section.number}. {section.title}" if section else module.title))
    links.extend(TOOL_PAGES)
    links.append((HELP_PAGE, "Sources of help"))
    items = []
    for page, label in links:
        if page == current:
            items.append(f'<strong aria-current="page">{esc(label)}</strong>')
        else:
            items.append(f'<a href="{esc(page_link(page, service, participant, learner))}">{esc(label)}</a>')
    who = (
        f"Assessing: <strong>{esc(service.name)}</strong>"
        if service
        else "No service chosen yet: choose or add one on the course home."
    )
    return f'<nav class="ol-nav" aria-label="Course pages">{" ".join(items)}</nav><p class="ol-status">{who}</p>'


def credit_html() -> str:
    p = course_planner()
    return f'<p class="ol-credit">{esc(p.source.credit)}</p>'


def resolve_service(query: dict[str, str]) -> Service | None:
    """The service named in the query string; else the only service, if there is one."""
    slug = query.get("service")
    if slug:
        return store().service(slug)
    services = store().services()
    return services[0] if len(services) == 1 else None
