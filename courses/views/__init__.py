"""Views of the courses app; lesson pages themselves are served by Wagtail."""

from .quiz import quiz_submit

__all__ = ["quiz_submit"]
