"""How scores are kept and shown, written once: an exercise's result on its own scale (« 2,6/3 »),
and anything across exercises as a percentage, never as a sum of points of different scales.

Pure: no database. Scores are Decimals with at most SCORE_DECIMALS places, kept exactly as the
activity reported them (QuizAttempt.score); nothing here rounds a score. Only a percentage is
rounded, for display, to a whole number."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

SCORE_DECIMALS = 3  # QuizAttempt.score's decimal places
_QUANTUM = Decimal(1).scaleb(-SCORE_DECIMALS)


def score_exact(value: float | int | Decimal) -> Decimal | None:
    """A reported number as a Decimal, or None when it has more decimals than are stored (it
    could not be kept exactly). A float goes through its shortest repr: 2.6 is 2.6."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if number != number.quantize(_QUANTUM):
        return None
    return number.quantize(_QUANTUM)


def score_text(value: Decimal | int | None) -> str:
    """« 2,6 », « 3 », « 0,125 »: the number in the current language, without trailing zeros."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return number_format(number, use_l10n=True)


def score_number(value: Decimal | int | None) -> int | float | None:
    """For JSON: 3 for 3.000, 2.6 for 2.600 (a float prints back as the same decimal, since a
    score has at most SCORE_DECIMALS places)."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def score_label(score: Decimal | int | None, maximum: Decimal | int | None) -> str:
    """« 2,6/3 »."""
    if score is None or not maximum:
        return ""
    return f"{score_text(score)}/{score_text(maximum)}"


def score_ratio(score: Decimal | int | None, maximum: Decimal | int | None) -> Decimal | None:
    """The share of the maximum, from 0 to 1 (exact as a Decimal allows)."""
    if score is None or not maximum:
        return None
    return Decimal(score) / Decimal(maximum)


def percent_of(ratio: Decimal | None) -> int | None:
    """A ratio in whole percents, rounded half up (for display and export)."""
    if ratio is None:
        return None
    return int((ratio * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def mean_ratio(ratios: Iterable[Decimal]) -> Decimal | None:
    """The mean of exercises' ratios: each exercise weighs the same, whatever its scale."""
    values = list(ratios)
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def percent_label(percent: int | None) -> str:
    if percent is None:
        return ""
    return _("%(percent)s %%") % {"percent": percent}
