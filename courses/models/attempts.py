"""What pupils do with the exercises: every quiz attempt is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExerciseKind(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    H5P = "h5p", _("Activité H5P")


class QuizAttempt(models.Model):
    """One submission of one exercise (a native quiz, or an H5P activity through xAPI) by one
    user. Never updated: best and last scores are derived."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("leçon"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    # The id of the exercise's block in the lesson body: stable across revisions of the page.
    quiz_id = models.CharField(_("exercice"), max_length=64)
    kind = models.CharField(
        _("type d'exercice"), max_length=8, choices=ExerciseKind.choices, default=ExerciseKind.QUIZ
    )
    # Exact, as the activity reported it: an H5P activity may give 2.6 out of 3 (never rounded,
    # courses.scores). Native quizzes store whole numbers.
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=3)
    max_score = models.DecimalField(_("score maximal"), max_digits=8, decimal_places=3)
    # {question_id: [choice ids or "true"/"false"]}, as graded.
    answers = models.JSONField(_("réponses"), default=dict)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tentative de quiz")
        verbose_name_plural = _("tentatives de quiz")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "lesson", "quiz_id"], name="quizattempt_user_quiz")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_score__gt=0)
                & models.Q(score__gte=0)
                & models.Q(score__lte=models.F("max_score")),
                name="quizattempt_score_within_max",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.lesson_id}/{self.quiz_id}: {self.score}/{self.max_score}"
