"""The teacher's page to launch a mock election (the list shows the form too)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from school.permissions import classrooms_managed_by
from school.views.access import teacher_required

from ..consultations.forms import NationalLaunchForm
from ..consultations.services import ConsultationError
from ..models import Election
from . import services


@teacher_required
def election_launch(request, pk):
    """Pick the classes (only the teacher's own, active ones) and open the mock election."""
    election = get_object_or_404(Election.objects.prefetch_related("candidates"), pk=pk)
    classrooms = list(classrooms_managed_by(request.user).filter(archived_at__isnull=True))
    data = request.POST if request.method == "POST" else None
    form = NationalLaunchForm(data, classrooms=classrooms, prefix=f"el{pk}")
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create_from_election(
                owner=request.user, election=election, classrooms=form.cleaned_data["classrooms"]
            )
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Le vote simulé est ouvert : vos élèves peuvent voter."))
            return redirect("classroom_votes:consultation_detail", pk=consultation.pk)
    return TemplateResponse(
        request,
        "classroom_votes/elections/election_launch.html",
        {
            "election": election,
            "title": services.election_mock_title(election),
            "context": services.election_mock_context(election),
            "second_round": election.candidates.count() > 2,
            "form": form,
            "has_classrooms": bool(classrooms),
        },
        status=400 if form.is_bound else 200,
    )
