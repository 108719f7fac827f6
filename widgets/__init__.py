"""Online Lives: the pages' widgets, built from `course` models.

Each page class is built, displayed, then started: `start()` waits for the page request
(under Voila with preheated kernels) and loads the chosen service's answers.
"""

from widgets.home import HomePage
from widgets.profile import ProfilePage
from widgets.section import SectionPage

__all__ = ["HomePage", "ProfilePage", "SectionPage"]
