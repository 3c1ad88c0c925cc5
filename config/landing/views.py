from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from school.views.access import pupil_required, teacher_required

from . import selectors


@never_cache
@pupil_required
def pupil_home(request):
    return TemplateResponse(
        request,
        "landing/pupil.html",
        {"home": selectors.pupil_home(user=request.user, now=timezone.now())},
    )


@never_cache
@teacher_required
def teacher_home(request):
    return TemplateResponse(
        request,
        "landing/teacher.html",
        {"home": selectors.teacher_home(user=request.user, today=timezone.localdate())},
    )
