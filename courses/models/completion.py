"""A pupil's passing of a course's final test (FinalTestPage)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scores import percent_of, score_label, score_ratio


class CourseCompletion(models.Model):
    """One row per pupil and course, made when the pupil first passes the final test (score of
    at least its pass mark). Later attempts only ever raise the score kept: the best one, exact
    (courses.scores). Deleted with the pupil (the user's key cascades)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("élève"),
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("cours"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    score = models.DecimalField(_("meilleur score"), max_digits=8, decimal_places=3)
    max_score = models.DecimalField(_("score maximal"), max_digits=8, decimal_places=3)
    completed_at = models.DateTimeField(_("réussi le"))
    best_at = models.DateTimeField(_("meilleur score le"))

    class Meta:
        verbose_name = _("cours terminé")
        verbose_name_plural = _("cours terminés")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="completion_unique_user_course"
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=0)
                & models.Q(score__gte=0)
                & models.Q(score__lte=models.F("max_score")),
                name="completion_score_within_max",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.course_id}: {self.score}/{self.max_score}"

    @property
    def score_label(self) -> str:
        return score_label(self.score, self.max_score)

    @property
    def percent(self) -> int | None:
        return percent_of(score_ratio(self.score, self.max_score))
