"""Online Lives: the pages' widgets, built from `course` models.

Each page class is built, displayed, then started: `start()` waits for the page request
(under Voila with preheated kernels) and reads its query string (the service, the trainer
view).

Pages are imported on first use, so a page does not pay for the libraries of the others
(plotly, for instance, is only loaded by the pages that draw with it).
"""

from __future__ import annotations

import importlib
from typing import Any

from course.settings import skip_iri_grammar

# Page kernels skip jsonschema's IRI grammar (about 1 CPU-second each; see the function).
# Only kernels import this package; the server does not.
skip_iri_grammar()

_PAGES = {
    "AreaPage": "widgets.area_page",
    "CasePage": "widgets.case_page",
    "CertificatePage": "widgets.certificate_page",
    "HelpPage": "widgets.help_page",
    "HomePage": "widgets.home",
    "IntroductionPage": "widgets.introduction",
    "ProfilePage": "widgets.profile",
    "QAPage": "widgets.qa_page",
    "QuizPage": "widgets.quiz_page",
    "SectionPage": "widgets.section",
    "WorkshopDashboard": "widgets.workshop_dashboard",
}

__all__ = sorted(_PAGES)


def __getattr__(name: str) -> Any:
    if name in _PAGES:
        return getattr(importlib.import_module(_PAGES[name]), name)
    raise AttributeError(f"module 'widgets' has no attribute {name!r}")
