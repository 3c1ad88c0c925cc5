"""A teacher lifts the lockout of their pupils' logins, one pupil or the whole class, in one
click (POST); the class page lists the pupils with recent failures
(school/includes/pupil_unlock.html)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .. import services
from .access import class_action


@class_action(pupil=True, archived_refused=False)
def pupil_unlock(request, classroom, pupil):
    services.pupils_unlock(classroom=classroom, pupils=[pupil])
    messages.success(
        request,
        _("La connexion de %(pseudonym)s est débloquée.") % {"pseudonym": pupil.pseudonym},
    )
    return redirect("school:classroom_detail", pk=classroom.pk)


@class_action(archived_refused=False)
def pupils_unlock(request, classroom):
    services.pupils_unlock(classroom=classroom)
    messages.success(request, _("La connexion de tous les élèves de la classe est débloquée."))
    return redirect("school:classroom_detail", pk=classroom.pk)
