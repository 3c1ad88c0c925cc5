"""A teacher lifts the lockout of their pupils' logins, one pupil or the whole class, in one
click (POST); the class page lists the pupils with recent failures
(school/includes/pupil_unlock.html)."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .. import services
from .access import classroom_managed_or_404, classroom_pupil_or_404, teacher_required


@teacher_required
def pupil_unlock(request, pk, user_id):
    classroom = classroom_managed_or_404(request, pk)
    pupil = classroom_pupil_or_404(classroom, user_id)
    if request.method != "POST":  # after the lookups: a 405 reveals nothing then
        return HttpResponseNotAllowed(["POST"])
    services.pupils_unlock(classroom=classroom, pupils=[pupil])
    messages.success(
        request,
        _("La connexion de %(pseudonym)s est débloquée.") % {"pseudonym": pupil.pseudonym},
    )
    return redirect("school:classroom_detail", pk=classroom.pk)


@teacher_required
def pupils_unlock(request, pk):
    classroom = classroom_managed_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.pupils_unlock(classroom=classroom)
    messages.success(request, _("La connexion de tous les élèves de la classe est débloquée."))
    return redirect("school:classroom_detail", pk=classroom.pk)
