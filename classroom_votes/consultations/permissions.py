"""One predicate per action on consultations, reused by views, the API and services.

A consultation belongs to its classes (Decidim's host): it is managed by the teacher who
created it, by a teacher of every one of its classes (a colleague can close the vote when the
owner is away, without reaching a class they do not teach), and by administrators. Pupils see
the consultations of their own class once opened. Nobody is ever shown what a pupil voted:
participation is who voted, results are counts, published only under the selectors' rules."""

from django.utils import timezone

from school.models import Classroom, PupilProfile
from school.permissions import can_manage_classrooms, is_administrator, is_pupil_account, is_teacher

from ..models import Consultation, ConsultationStatus, Participation, Phase


def can_create_consultation(user) -> bool:
    """Teachers (in the classes they teach, checked by the service) and administrators."""
    return can_manage_classrooms(user)


def _teaches_every_class(user, consultation: Consultation) -> bool:
    classrooms = Classroom.objects.filter(consultations=consultation)
    return classrooms.exists() and not classrooms.exclude(teachers=user).exists()


def can_manage_consultation(user, consultation: Consultation) -> bool:
    """Open, close and follow the participation."""
    if is_administrator(user):
        return True
    if not is_teacher(user):
        return False
    return consultation.owner_id == user.pk or _teaches_every_class(user, consultation)


def _pupil_of(user, consultation: Consultation) -> PupilProfile | None:
    if not is_pupil_account(user):
        return None
    return (
        PupilProfile.objects.select_related("classroom")
        .filter(user_id=user.pk, classroom__consultations=consultation)
        .first()
    )


def can_view_consultation(user, consultation: Consultation) -> bool:
    """Pupils of its classes once it is opened; its managers and the teachers of its classes."""
    if can_manage_consultation(user, consultation):
        return True
    if is_teacher(user):
        return Classroom.objects.filter(consultations=consultation, teachers=user).exists()
    if consultation.status == ConsultationStatus.DRAFT:
        return False
    return _pupil_of(user, consultation) is not None


def can_vote(user, consultation: Consultation) -> bool:
    """What the vote form needs to know; services.ballot_check_and_cast checks the same and
    the database has the last word on double votes."""
    if consultation.phase(now=timezone.now()) != Phase.OPEN:
        return False
    pupil = _pupil_of(user, consultation)
    if pupil is None or pupil.classroom.is_archived:
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
