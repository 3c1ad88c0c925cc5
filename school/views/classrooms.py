"""A teacher's classes: list, creation, the class page and its class-wide actions."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .. import services, teachers
from ..forms import ClassroomCreateForm, JoinSetForm, JoinSettingsForm, PupilsBulkCreateForm
from ..pseudonyms import JOIN_CODE_LENGTH, join_code_format
from ..selectors import classroom_pupils, classrooms_for_manager, schools_for_classroom_create
from .access import class_action, classroom_managed_or_404, teacher_required


@teacher_required
def classroom_list(request):
    classrooms = list(classrooms_for_manager(user=request.user))
    return TemplateResponse(
        request,
        "school/classroom_list.html",
        {
            "active": [c for c in classrooms if not c.is_archived],
            "archived": [c for c in classrooms if c.is_archived],
            **_membership_context(request.user),
        },
    )


def _membership_context(user) -> dict:
    """A teacher waiting for a school's approval sees so, and approvers see what waits."""
    return {
        "has_school": schools_for_classroom_create(user=user).exists(),
        "waiting": teachers.membership_requests_of(user=user).filter(status="pending"),
        "to_decide_count": teachers.membership_requests_to_decide(user=user).count(),
    }


@teacher_required
def classroom_create(request):
    schools = schools_for_classroom_create(user=request.user)
    form = ClassroomCreateForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        classroom = services.classroom_create(teacher=request.user, **form.cleaned_data)
        messages.success(request, _("La classe « %(name)s » est créée.") % {"name": classroom.name})
        return redirect("school:classroom_detail", pk=classroom.pk)
    return TemplateResponse(
        request,
        "school/classroom_create.html",
        {"form": form, **_membership_context(request.user)},
    )


def _detail_response(request, classroom, *, settings_form=None):
    pupils = list(classroom_pupils(classroom=classroom))
    return TemplateResponse(
        request,
        "school/classroom_detail.html",
        {
            "classroom": classroom,
            "waiting": [pupil for pupil in pupils if pupil.is_waiting],
            "pupils": [pupil for pupil in pupils if not pupil.is_waiting],
            "pupil_count": len(pupils),
            "bulk_form": PupilsBulkCreateForm(),
            "join_form": JoinSetForm(initial={"enabled": "1"}),
            "settings_form": settings_form
            or JoinSettingsForm(
                initial={"approval": classroom.join_approval, "max_pupils": classroom.max_pupils}
            ),
            "code_is_short": len(classroom.join_code) < JOIN_CODE_LENGTH,
        },
    )


@teacher_required
def classroom_detail(request, pk):
    return _detail_response(request, classroom_managed_or_404(request, pk))


@class_action()
def classroom_code_regenerate(request, classroom):
    code = services.classroom_join_code_regenerate(classroom=classroom)
    messages.success(
        request,
        _("Nouveau code de la classe : %(code)s. L'ancien code ne fonctionne plus.")
        % {"code": join_code_format(code)},
    )
    return redirect("school:classroom_detail", pk=classroom.pk)


@class_action()
def classroom_join_set(request, classroom):
    form = JoinSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.SchoolError(services.JOIN_DURATION_INVALID).message)
    elif form.cleaned_data["enabled"]:
        services.classroom_join_open(classroom=classroom, duration=form.delay)
        messages.success(
            request,
            _("Les inscriptions sont ouvertes jusqu'au %(date)s.")
            % {"date": date_format(localtime(classroom.join_closes_at), "j F Y à H:i")},
        )
    else:
        services.classroom_join_close(classroom=classroom)
        messages.success(request, _("Les inscriptions sont fermées."))
    return redirect("school:classroom_detail", pk=classroom.pk)


@class_action()
def classroom_join_settings(request, classroom):
    form = JoinSettingsForm(request.POST)
    if form.is_valid():
        services.classroom_join_settings_update(
            classroom=classroom,
            approval=form.cleaned_data["approval"],
            max_pupils=form.cleaned_data["max_pupils"],
        )
        messages.success(request, _("Les réglages des inscriptions sont enregistrés."))
        return redirect("school:classroom_detail", pk=classroom.pk)
    return _detail_response(request, classroom, settings_form=form)


@teacher_required
def classroom_archive(request, pk):
    classroom = classroom_managed_or_404(request, pk)
    if request.method == "POST":
        services.classroom_archive(classroom=classroom)
        messages.success(request, _("La classe est archivée."))
        return redirect("school:classroom_detail", pk=classroom.pk)
    return TemplateResponse(
        request, "school/classroom_archive_confirm.html", {"classroom": classroom}
    )
