"""The rules of progress, written once and shown to teachers (COMPLETION_RULE)."""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

COMPLETION_RULE = _(
    "Une leçon est terminée quand l'élève l'a ouverte et a fait au moins une fois chacun de ses "
    "exercices (quiz et activités H5P notées). Une leçon sans exercice est terminée dès qu'elle "
    "est ouverte."
)
TIME_SPENT_RULE = _(
    "Le temps passé est approximatif : l'écart entre deux actions sur la leçon, compté jusqu'à "
    "10 minutes, et rien au-delà de 30 minutes d'inactivité."
)
SCORE_RULE = _(
    "Chaque exercice (quiz ou activité H5P) est noté sur sa propre échelle, par son meilleur "
    "résultat : la tentative la plus réussie, par exemple 2,6/3. Le score moyen d'une leçon est "
    "la moyenne des pourcentages de ses exercices faits : chaque exercice compte autant, quel que "
    "soit son nombre de points."
)
FINAL_TEST_RULE = _(
    "Un cours est terminé quand l'élève réussit son test final : un score d'au moins le seuil "
    "de réussite du test (par exemple 60 %). Le meilleur score est gardé."
)
# Coarse time: the gap between two actions on a lesson counts, capped; a long gap is a new visit.
TIME_STEP_CAP = timedelta(minutes=10)
SESSION_GAP = timedelta(minutes=30)


def lesson_is_completed(*, opened: bool, quiz_ids: set[str], attempted_quiz_ids: set[str]) -> bool:
    return opened and quiz_ids <= attempted_quiz_ids


def final_test_passed(*, score, max_score, pass_mark: int) -> bool:
    """score / max_score ≥ pass_mark %, compared exactly (no rounding of the percentage)."""
    return bool(max_score) and Decimal(score) * 100 >= Decimal(pass_mark) * Decimal(max_score)


def time_increment(*, last_seen, now) -> timedelta:
    gap = now - last_seen
    if gap <= timedelta(0) or gap > SESSION_GAP:
        return timedelta(0)
    return min(gap, TIME_STEP_CAP)


def percentage(part: int, whole: int) -> int | None:
    """A share in whole percents, rounded; None when there is nothing to share."""
    return round(100 * part / whole) if whole else None
