"""Assignments to classes and each pupil's progress through lessons."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A course, or a single lesson, given to a class by one of its teachers."""

    classroom = models.ForeignKey(
        "school.Classroom",
        verbose_name=_("classe"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("cours"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("leçon"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    due_date = models.DateField(_("à faire pour le"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("donné par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("devoir")
        ordering = ["due_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(course__isnull=False) & models.Q(lesson__isnull=True))
                | (models.Q(course__isnull=True) & models.Q(lesson__isnull=False)),
                name="assignment_course_xor_lesson",
            ),
            models.UniqueConstraint(
                fields=["classroom", "course"],
                condition=models.Q(course__isnull=False),
                name="assignment_unique_course_per_class",
            ),
            models.UniqueConstraint(
                fields=["classroom", "lesson"],
                condition=models.Q(lesson__isnull=False),
                name="assignment_unique_lesson_per_class",
            ),
        ]

    def __str__(self):
        return str(self.page)

    @property
    def page(self):
        """The course or the lesson given."""
        return self.course or self.lesson


class LessonProgress(models.Model):
    """One row per pupil and lesson: opened, completed (see courses.progress), coarse time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    opened_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("vue le"), auto_now_add=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(_("temps passé (secondes)"), default=0)

    class Meta:
        verbose_name = _("progression")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_unique_user_lesson")
        ]

    def __str__(self):
        return f"{self.user} — {self.lesson_id}"
