"""A lesson's teacher's guide (« Fiche enseignant »): teachers, editors and administrators only.
To anyone else it does not exist (404), as a class they do not teach does not."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from ..models import LessonTeacherGuide
from ..permissions import can_launch_ready_made, can_read_teacher_guide


@login_required
def teacher_guide(request, lesson_pk: int):
    if not can_read_teacher_guide(request.user):
        raise Http404
    guide = get_object_or_404(
        LessonTeacherGuide.objects.select_related("lesson"), lesson_id=lesson_pk, lesson__live=True
    )
    return TemplateResponse(
        request,
        "courses/teacher_guide.html",
        {
            "guide": guide,
            "lesson": guide.lesson,
            "can_launch": can_launch_ready_made(request.user) and bool(guide.ready_made_kind),
        },
    )
