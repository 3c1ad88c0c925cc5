"""The content app's pages.

- The public glossary: every term of the site, an anchor per slug.
- « Lancer avec ma classe »: a lesson's ready-made consultation or debate, launched into one of
  the teacher's classes in two clicks (the button on the lesson or the guide, then this page's
  confirmation). To a pupil, an editor or a visitor the page does not exist."""

import unicodedata

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from classroom_votes.consultations.services import ConsultationError
from classroom_votes.debates.services import DebateError
from classroom_votes.models import SourcePanel
from classroom_votes.tallies import VotingMethod
from courses.models import LessonTeacherGuide
from courses.permissions import can_launch_ready_made
from school.permissions import classrooms_managed_by

from .forms import ReadyMadeLaunchForm
from .launch import ready_made_launch
from .models import GlossaryTerm
from .teacher_pages import ReadyMadeInvalid, ready_made_clean


def _sort_key(term: GlossaryTerm) -> str:
    # French order: « écologie » among the e, not after z.
    decomposed = unicodedata.normalize("NFD", term.term.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def glossary(request):
    terms = sorted(GlossaryTerm.objects.all(), key=_sort_key)
    return render(request, "content/glossary.html", {"terms": terms})


@login_required
def ready_made_launch_view(request, lesson_pk: int):
    if not can_launch_ready_made(request.user):
        raise Http404
    guide = get_object_or_404(
        LessonTeacherGuide.objects.select_related("lesson"), lesson_id=lesson_pk, lesson__live=True
    )
    try:
        ready_made = ready_made_clean(guide.ready_made)
    except ReadyMadeInvalid:
        ready_made = None
    else:
        if ready_made["kind"] == "consultation":
            ready_made["method_label"] = VotingMethod(ready_made["method"]).label
            for source in ready_made["sources"]:
                source["panel_label"] = SourcePanel(source["panel"]).label
    classrooms = classrooms_managed_by(request.user).filter(archived_at__isnull=True)
    form = ReadyMadeLaunchForm(
        request.POST if request.method == "POST" else None, classrooms=classrooms
    )
    if request.method == "POST" and form.is_valid():
        try:
            launched = ready_made_launch(
                teacher=request.user, guide=guide, classroom=form.cleaned_data["classroom"]
            )
        except (ConsultationError, DebateError) as error:
            form.add_error(None, error.message)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            if ready_made["kind"] == "debate":
                messages.success(request, _("Le débat est ouvert dans votre classe."))
                return redirect("classroom_votes:debate_detail", pk=launched.pk)
            messages.success(
                request,
                _("La consultation est prête : relisez-la, puis ouvrez le vote quand vous voulez."),
            )
            return redirect("classroom_votes:consultation_detail", pk=launched.pk)
    return TemplateResponse(
        request,
        "content/ready_made_launch.html",
        {"guide": guide, "lesson": guide.lesson, "ready_made": ready_made, "form": form},
        status=400 if form.is_bound else 200,
    )
