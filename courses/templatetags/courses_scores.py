"""Scores in templates, through courses.scores (never rounded)."""

from django import template

from ..scores import score_text as _score_text

register = template.Library()


@register.filter
def score_text(value) -> str:
    """« 2,5 », « 3 »: an exact score in the current language."""
    return _score_text(value)
