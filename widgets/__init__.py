"""Online Lives: the pages' widgets, built from `course` models.

Each page class is built, displayed, then started: `start()` waits for the page request
(under Voila with preheated kernels) and reads its query string (the service, the trainer
view).

Pages are imported on first use, so a page does not pay for the libraries of the others
(plotly, for instance, is only loaded by the pages that draw with it).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

# jsonschema builds the grammar of the optional `rfc3987_syntax` package when it is
# imported, about 1 CPU-second in every kernel (measured: `import jsonschema` 1.1 s
# against 0.1 s without it). The course never checks the "iri" format it serves, so page
# kernels go without it. Only kernels import this package; the server does not.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

_PAGES = {
    "CasePage": "widgets.case_page",
    "HelpPage": "widgets.help_page",
    "HomePage": "widgets.home",
    "IntroductionPage": "widgets.introduction",
    "ProfilePage": "widgets.profile",
    "QuizPage": "widgets.quiz_page",
    "SectionPage": "widgets.section",
}

__all__ = sorted(_PAGES)


def __getattr__(name: str) -> Any:
    if name in _PAGES:
        return getattr(importlib.import_module(_PAGES[name]), name)
    raise AttributeError(f"module 'widgets' has no attribute {name!r}")
