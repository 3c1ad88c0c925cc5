"""The contract both components (consultations, debates) keep with their host, the class.

A component (a Consultation or a Debate: anything with an `owner` and `classrooms`) belongs to
the classes it was launched in, as a Decidim component belongs to its space:
- it is managed by the teacher who created it, by a teacher of every one of its classes (a
  colleague can take over when the owner is away, without reaching a class they do not teach),
  and by administrators;
- the teachers of any of its classes see it; the pupils of its classes take part, unless their
  class is archived;
- it is launched only in classes its owner teaches, none of them archived.

These rules live here once; each component's `permissions` adds its own states (a draft
consultation, a closed debate) and its `services` raise the refusals below with their own error
class, which declares these codes' messages and kinds beside its own (COMPONENT_MESSAGES,
COMPONENT_KINDS)."""

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from school.errors import DomainError, ErrorKind
from school.models import Classroom, PupilProfile
from school.permissions import (
    classrooms_managed_by,
    is_administrator,
    is_pupil_account,
    is_teacher,
)

NO_CLASSROOM = "no_classroom"
CLASSROOM_NOT_MANAGED = "classroom_not_managed"
# Same code as school.services: the same situation.
CLASSROOM_ARCHIVED = "classroom_archived"
NOT_A_PUPIL = "not_a_pupil"

COMPONENT_MESSAGES = {
    NO_CLASSROOM: _("Choisissez au moins une classe."),
    CLASSROOM_NOT_MANAGED: _("Vous ne pouvez choisir que des classes où vous enseignez."),
    CLASSROOM_ARCHIVED: _("Cette classe est archivée : elle ne participe plus."),
    NOT_A_PUPIL: _("Seuls les élèves des classes concernées participent."),
}
COMPONENT_KINDS = {
    CLASSROOM_ARCHIVED: ErrorKind.CONFLICT,
    NOT_A_PUPIL: ErrorKind.FORBIDDEN,
}

_ID_MAX = 2**63 - 1  # bigint


def id_or_none(value: object) -> int | None:
    """A primary key from an int or a string of digits (URL, JSON); None matches no row."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 0 < value <= _ID_MAX:  # bool is an int subclass
        return None
    return value


# --- Who is who for a component ---------------------------------------------------------------


def _teaches_every_class(user, component: Model) -> bool:
    classrooms = component.classrooms.all()
    return classrooms.exists() and not classrooms.exclude(teachers=user).exists()


def component_manager(user, component: Model) -> bool:
    """Administrators, the owner, and a teacher of every one of its classes."""
    if is_administrator(user):
        return True
    if not is_teacher(user):
        return False
    return component.owner_id == user.pk or _teaches_every_class(user, component)


def component_teacher(user, component: Model) -> bool:
    """A teacher of at least one of its classes (they see it, as its managers do)."""
    return is_teacher(user) and component.classrooms.filter(teachers=user).exists()


def component_viewer(user, component: Model, *, pupils: bool = True) -> bool:
    """Its managers, the teachers of its classes and, unless `pupils` is False (a component
    not shown to pupils yet), the pupils of its classes."""
    if component_manager(user, component):
        return True
    if is_teacher(user):
        return component_teacher(user, component)
    return pupils and component_pupil(user, component) is not None


def component_pupil(user, component: Model) -> PupilProfile | None:
    """The user's pupil profile, with its class, when they are a pupil of one of its classes."""
    if not is_pupil_account(user):
        return None
    return (
        PupilProfile.objects.select_related("classroom")
        .filter(user_id=user.pk, classroom__in=component.classrooms.all())
        .first()
    )


def component_active_pupil(user, component: Model) -> PupilProfile | None:
    """component_pupil, unless their class is archived: a class that is archived takes part in
    nothing any more."""
    pupil = component_pupil(user, component)
    return pupil if pupil is not None and not pupil.classroom.is_archived else None


def component_classes_for(user, component: Model, *, manager: bool) -> QuerySet[Classroom]:
    """The classes of the component that `user` is shown: all of them for its managers, else
    those they teach or belong to."""
    classes = component.classrooms.order_by("name", "pk")
    if not manager:
        classes = classes.filter(Q(teachers=user) | Q(pupils__user=user)).distinct()
    return classes


def components_visible_to(components: QuerySet, *, user) -> QuerySet:
    """`components` narrowed to those `user` sees: all for administrators, their own and their
    classes' for teachers, their class's for pupils, none for anyone else."""
    if is_administrator(user):
        return components
    if is_teacher(user):
        return components.filter(Q(owner=user) | Q(classrooms__teachers=user)).distinct()
    if is_pupil_account(user):
        # A pupil is in one class, and a component in each class once: no duplicates.
        return components.filter(classrooms__pupils__user=user)
    return components.none()


# --- Launching one ----------------------------------------------------------------------------


def component_classrooms_check(
    *, owner, classrooms: Iterable[Classroom], error: type[DomainError]
) -> list[int]:
    """The ids of the classes a component is launched in, once each, or `error` with
    NO_CLASSROOM, CLASSROOM_NOT_MANAGED or CLASSROOM_ARCHIVED."""
    classroom_ids = list(dict.fromkeys(classroom.pk for classroom in classrooms))
    if not classroom_ids:
        raise error(NO_CLASSROOM)
    managed = list(classrooms_managed_by(owner).filter(pk__in=classroom_ids))
    if len(managed) != len(classroom_ids):
        raise error(CLASSROOM_NOT_MANAGED)
    if any(classroom.is_archived for classroom in managed):
        raise error(CLASSROOM_ARCHIVED)
    return classroom_ids


def component_pupil_check(
    user, component: Model, *, error: type[DomainError], not_in_class: str
) -> PupilProfile:
    """The pupil's profile when `user` may take part as a pupil, else `error` with NOT_A_PUPIL,
    `not_in_class` (the component's own code) or CLASSROOM_ARCHIVED."""
    if not is_pupil_account(user):
        raise error(NOT_A_PUPIL)
    pupil = component_pupil(user, component)
    if pupil is None:
        raise error(not_in_class)
    if pupil.classroom.is_archived:
        raise error(CLASSROOM_ARCHIVED)
    return pupil
