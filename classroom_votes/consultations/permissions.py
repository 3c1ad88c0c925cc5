"""One predicate per action on consultations, reused by views, the API and services.

Who manages, sees and takes part is the components' contract (classroom_votes.components);
this adds the consultation's own states: pupils see it once it is opened, and vote while it is
open. Nobody is ever shown what a pupil voted: participation is who voted, results are counts,
published only under the selectors' rules."""

from django.utils import timezone

from school.permissions import can_manage_classrooms

from ..components import component_active_pupil, component_manager, component_viewer
from ..models import Consultation, ConsultationStatus, Participation, Phase


def can_create_consultation(user) -> bool:
    """Teachers (in the classes they teach, checked by the service) and administrators."""
    return can_manage_classrooms(user)


def can_manage_consultation(user, consultation: Consultation) -> bool:
    """Open, close and follow the participation."""
    return component_manager(user, consultation)


def can_view_consultation(user, consultation: Consultation) -> bool:
    """Pupils of its classes once it is opened; its managers and the teachers of its classes."""
    return component_viewer(
        user, consultation, pupils=consultation.status != ConsultationStatus.DRAFT
    )


def can_vote(user, consultation: Consultation) -> bool:
    """What the vote form needs to know; services.ballot_check_and_cast checks the same and
    the database has the last word on double votes."""
    if consultation.phase(now=timezone.now()) != Phase.OPEN:
        return False
    if component_active_pupil(user, consultation) is None:
        return False
    return not Participation.objects.filter(consultation=consultation, user_id=user.pk).exists()


def can_view_participation(user, consultation: Consultation) -> bool:
    """Who voted (never what): those who run the vote. A teacher of only some of its classes
    would otherwise see pupils of classes they do not teach."""
    return can_manage_consultation(user, consultation)


def can_view_results(user, consultation: Consultation) -> bool:
    """Whoever sees an opened consultation may ask; selectors.consultation_results decides
    whether there is anything to show yet (closed or live, and enough ballots)."""
    if consultation.status == ConsultationStatus.DRAFT:
        return False
    return can_view_consultation(user, consultation)


def can_create_second_round(user, consultation: Consultation) -> bool:
    """Organise the second round of a closed two-round vote: those who run it (the service
    checks that its result calls for one)."""
    return can_manage_consultation(user, consultation)
