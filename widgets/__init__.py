"""Online Lives: the pages' widgets, built from `course` models.

Each page class is built, displayed, then started: `start()` waits for the page request
(under Voila with preheated kernels) and reads its query string (the service, the trainer
view).
"""

from widgets.help_page import HelpPage
from widgets.home import HomePage
from widgets.introduction import IntroductionPage
from widgets.profile import ProfilePage
from widgets.quiz_page import QuizPage
from widgets.section import SectionPage

__all__ = ["HelpPage", "HomePage", "IntroductionPage", "ProfilePage", "QuizPage", "SectionPage"]
