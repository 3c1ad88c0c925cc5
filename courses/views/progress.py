"""Assignments and progress pages: a pupil's « Mes devoirs », a teacher's class table, per-pupil
and per-question details, and the CSV export. Each view checks one permission predicate, calls
one selector or service and renders."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from school.permissions import can_manage_classrooms
from school.spreadsheets import csv_response, csv_text
from school.views.access import classroom_managed_or_404, classroom_pupil_or_404

from ..grading import PARTIAL_CREDIT_RULE
from ..models import Assignment, CoursePage, LessonPage
from ..progress import COMPLETION_RULE, FINAL_TEST_RULE, SCORE_RULE, TIME_SPENT_RULE
from ..selectors import (
    LessonStatus,
    assignable_pages,
    assigned_lessons,
    class_course_completions,
    class_progress_summary,
    class_progress_table,
    classroom_list_managed,
    lesson_question_stats,
    pupil_dashboard,
    pupil_progress_detail,
)
from ..services import AssignmentError, assignment_create, assignment_delete

TARGET_UNKNOWN = gettext_lazy("Ce cours ou cette leçon n'existe pas.")


def _rules() -> dict:
    return {
        "completion_rule": COMPLETION_RULE,
        "time_spent_rule": TIME_SPENT_RULE,
        "score_rule": SCORE_RULE,
        "partial_credit_rule": PARTIAL_CREDIT_RULE,
        "final_test_rule": FINAL_TEST_RULE,
    }


@login_required
def dashboard(request):
    user = request.user
    if can_manage_classrooms(user):
        return redirect("courses:classroom_list")
    if not user.is_pupil:
        if user.has_perm("wagtailadmin.access_admin"):
            return redirect("wagtailadmin_home")
        return redirect("/")
    return TemplateResponse(
        request, "courses/progress/pupil_dashboard.html", {"dashboard": pupil_dashboard(user=user)}
    )


@login_required
def classroom_list(request):
    if not can_manage_classrooms(request.user):
        raise Http404
    return TemplateResponse(
        request,
        "courses/progress/classroom_list.html",
        {"classrooms": classroom_list_managed(user=request.user)},
    )


class AssignmentForm(forms.Form):
    # "course:<id>" or "lesson:<id>", from a <select> grouped by course.
    target = forms.CharField(
        label=gettext_lazy("Cours ou leçon à donner"),
        help_text=gettext_lazy("Un cours entier donne toutes ses leçons publiées, dans l'ordre."),
        required=False,
    )
    due_date = forms.DateField(
        label=gettext_lazy("À faire pour le (facultatif)"),
        help_text=gettext_lazy("Laisser vide pour un devoir sans date limite."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, assignable=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Choisir un cours ou une leçon —"))]
        for course, lessons in assignable:
            options = [(f"course:{course.pk}", _("Tout le cours « %s »") % course.title)]
            options += [
                (f"lesson:{lesson.pk}", _("Leçon : %s") % lesson.title) for lesson in lessons
            ]
            choices.append((course.title, options))
        self.fields["target"].widget = forms.Select(choices=choices)
        self.fields["due_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_target(self) -> dict:
        value = self.cleaned_data["target"]
        if not value:
            return {}
        kind, _sep, pk = value.partition(":")
        model = {"course": CoursePage, "lesson": LessonPage}.get(kind)
        page = model.objects.filter(pk=pk).first() if model and pk.isdigit() else None
        if page is None:
            raise forms.ValidationError(TARGET_UNKNOWN)
        return {kind: page}


@login_required
def assignments(request, pk: int):
    classroom = classroom_managed_or_404(request, pk)
    form = AssignmentForm(request.POST or None, assignable=assignable_pages())
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assignment_create(
                classroom=classroom,
                teacher=request.user,
                due_date=form.cleaned_data["due_date"],
                **form.cleaned_data["target"],
            )
        except AssignmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("« %(title)s » est ajouté aux devoirs de la classe.") % {"title": assignment},
            )
            return redirect("courses:assignments", pk=classroom.pk)
    return TemplateResponse(
        request,
        "courses/progress/assignments.html",
        {
            "classroom": classroom,
            "assigned": assigned_lessons(classroom=classroom),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def assignment_remove(request, pk: int, assignment_pk: int):
    # Access first, then the method: a GET reveals nothing to someone who may not manage the class.
    classroom = classroom_managed_or_404(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("course", "lesson"), pk=assignment_pk, classroom=classroom
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    title = str(assignment)
    assignment_delete(assignment=assignment)
    messages.success(
        request, _("« %(title)s » est retiré des devoirs de la classe.") % {"title": title}
    )
    return redirect("courses:assignments", pk=classroom.pk)


_BADGES = {
    LessonStatus.TODO: "",
    LessonStatus.STARTED: " fr-badge--info",
    LessonStatus.COMPLETED: " fr-badge--success",
}


def _table_rows(table) -> list[tuple]:
    """(pupil, its cells' HTML, lessons completed) per row. A class has few distinct cells (three
    statuses, a hundred scores): each is built once, so the table costs a lookup per cell
    rather than a template loop with its conditions."""
    labels = {status: str(status.label) for status in LessonStatus}
    built: dict[tuple[str, str], str] = {}

    def cell_html(key):
        if key not in built:
            status, score = key
            badge = format_html(
                '<td><span class="fr-badge fr-badge--sm fr-badge--no-icon{}">{}</span>',
                _BADGES[status],
                labels[status],
            )
            if score:
                badge += format_html(" · <span data-lesson-score>{}</span>", score)
            built[key] = badge + "</td>"
        return built[key]

    return [
        (row.pupil, mark_safe("".join(map(cell_html, row.cells))), row.completed)  # noqa: S308
        for row in table.rows
    ]


@login_required
def class_dashboard(request, pk: int):
    classroom = classroom_managed_or_404(request, pk)
    table = class_progress_table(classroom=classroom)
    completions = class_course_completions(classroom=classroom)
    return TemplateResponse(
        request,
        "courses/progress/class_dashboard.html",
        {
            "classroom": classroom,
            "table": table,
            "table_rows": _table_rows(table),
            # Courses completed by passing their final test, pupil by pupil.
            "completion_rows": [
                (row.pupil, completions[row.pupil.user_id])
                for row in table.rows
                if row.pupil.user_id in completions
            ],
            **_rules(),
        },
    )


@login_required
def pupil_detail(request, pk: int, user_pk: int):
    classroom = classroom_managed_or_404(request, pk)
    pupil = classroom_pupil_or_404(classroom, user_pk)
    return TemplateResponse(
        request,
        "courses/progress/pupil_detail.html",
        {"classroom": classroom, "detail": pupil_progress_detail(pupil=pupil), **_rules()},
    )


@login_required
def lesson_questions(request, pk: int, lesson_pk: int):
    classroom = classroom_managed_or_404(request, pk)
    lesson = get_object_or_404(LessonPage, pk=lesson_pk)
    return TemplateResponse(
        request,
        "courses/progress/lesson_questions.html",
        {
            "classroom": classroom,
            "stats": lesson_question_stats(classroom=classroom, lesson=lesson),
        },
    )


def _csv_rows(summary):
    yield [
        _("Pseudonyme"),
        _("Leçon"),
        _("Statut"),
        _("Terminée le"),
        _("Score moyen (%)"),
        _("Exercices faits"),
        _("Exercices"),
        _("Meilleur résultat par exercice"),
        _("Tentatives"),
        _("Temps passé (minutes)"),
    ]
    for row in summary.rows:
        for cell in row.cells:
            completed_at = (
                timezone.localtime(cell.completed_at).strftime("%Y-%m-%d %H:%M")
                if cell.completed_at
                else ""
            )
            yield [
                csv_text(row.pupil.pseudonym),
                csv_text(cell.lesson.title),
                cell.status_label,
                completed_at,
                "" if cell.score_percent is None else cell.score_percent,
                cell.exercises_done,
                cell.exercise_count,
                csv_text(cell.scores_detail),
                cell.attempts,
                cell.time_spent_minutes,
            ]


@login_required
def class_export_csv(request, pk: int):
    classroom = classroom_managed_or_404(request, pk)
    summary = class_progress_summary(classroom=classroom)
    filename = f"suivi-{slugify(classroom.name) or 'classe'}-{classroom.school_year_label}.csv"
    return csv_response(filename=filename, rows=_csv_rows(summary))
