"""Serializers of the courses API: shapes and input validation only; the rules of assignments
are courses.services', those of progress courses.selectors'."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from courses.models import Assignment, CoursePage, LessonPage
from courses.selectors import LessonStatus
from school.models import Classroom
from school.permissions import can_manage_classroom

CLASSROOM_NOT_FOUND = _("Classe introuvable.")


class AssignmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "classroom", "course", "lesson", "title", "due_date", "created_at"]
        read_only_fields = fields


class AssignmentCreateInputSerializer(serializers.Serializer):
    """Give a course (or a single lesson) to one of the user's classes."""

    classroom = serializers.PrimaryKeyRelatedField(
        queryset=Classroom.objects.all(), error_messages={"does_not_exist": CLASSROOM_NOT_FOUND}
    )
    course = serializers.PrimaryKeyRelatedField(
        queryset=CoursePage.objects.all(), required=False, allow_null=True
    )
    lesson = serializers.PrimaryKeyRelatedField(
        queryset=LessonPage.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)

    def validate_classroom(self, classroom):
        # Same message as an unknown id: another teacher's class stays invisible.
        if not can_manage_classroom(self.context["request"].user, classroom):
            raise serializers.ValidationError(CLASSROOM_NOT_FOUND)
        return classroom


class AssignmentListFilterSerializer(serializers.Serializer):
    classroom = serializers.IntegerField(required=False, min_value=1)


class ProgressFilterSerializer(serializers.Serializer):
    classroom = serializers.IntegerField(required=False, min_value=1)


def progress_entries(rows) -> list[dict]:
    """Pupil rows (anything with `pupil` and `cells`: a class table's rows, a pupil's detail)
    flattened to one entry per pupil and lesson, as ProgressRowSerializer reads them."""
    return [{"pupil": row.pupil, "cell": cell} for row in rows for cell in row.cells]


def _score_field(source: str, help_text: str = ""):
    return serializers.DecimalField(
        source=source,
        max_digits=8,
        decimal_places=3,
        coerce_to_string=False,
        allow_null=True,
        help_text=help_text,
    )


class ExerciseResultSerializer(serializers.Serializer):
    """One exercise of the lesson, its best and last attempts each on its own scale."""

    id = serializers.CharField(source="quiz_id")
    title = serializers.CharField()
    kind = serializers.CharField()
    attempts = serializers.IntegerField()
    best_score = _score_field("result.best_score", _("Meilleur résultat (exact)."))
    best_max_score = _score_field("result.best_max", _("Maximum de cette tentative."))
    last_score = _score_field("result.last_score")
    last_max_score = _score_field("result.last_max")
    best_label = serializers.CharField(help_text=_("Le meilleur résultat affiché : « 2,6/3 »."))
    best_percent = serializers.IntegerField(allow_null=True)


class ProgressRowSerializer(serializers.Serializer):
    """One pupil on one lesson: a `{"pupil": PupilProfile, "cell": LessonCell}` pair."""

    pupil = serializers.IntegerField(source="pupil.user_id", help_text=_("Identifiant de l'élève."))
    pseudonym = serializers.CharField(source="pupil.pseudonym")
    classroom = serializers.IntegerField(source="pupil.classroom_id")
    lesson = serializers.IntegerField(
        source="cell.lesson.pk", help_text=_("Identifiant de la page de la leçon.")
    )
    lesson_title = serializers.CharField(source="cell.lesson.title")
    status = serializers.ChoiceField(choices=LessonStatus.choices, source="cell.status")
    opened_at = serializers.DateTimeField(source="cell.opened_at", allow_null=True)
    completed_at = serializers.DateTimeField(source="cell.completed_at", allow_null=True)
    time_spent_seconds = serializers.IntegerField(source="cell.time_spent_seconds")
    attempts = serializers.IntegerField(
        source="cell.attempts", help_text=_("Nombre de tentatives, tous quiz de la leçon.")
    )
    score_percent = serializers.IntegerField(
        source="cell.score_percent",
        allow_null=True,
        help_text=_(
            "Score moyen de la leçon, en pourcentage : moyenne, sur les exercices faits, du "
            "meilleur résultat de chacun rapporté à son maximum (vide sans tentative)."
        ),
    )
    exercises_done = serializers.IntegerField(source="cell.exercises_done")
    exercise_count = serializers.IntegerField(source="cell.exercise_count")
    exercises = ExerciseResultSerializer(source="cell.quizzes", many=True)
