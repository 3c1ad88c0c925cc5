"""Views of the courses app; lesson pages themselves are served by Wagtail."""

from . import progress
from .quiz import quiz_submit

__all__ = ["progress", "quiz_submit"]
