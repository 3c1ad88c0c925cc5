"""Builders for debates. They go through debate_services, so every test exercises the
production code paths; schools, teachers, classes and pupils come from tests.school."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from classroom_votes.debates import services as debate_services
from classroom_votes.models import Argument, ArgumentKind, ArgumentStatus, Debate, Side
from school.models import Classroom, PupilProfile, User
from tests.school.factories import classroom_create, pupil_create, school_create, teacher_create

ESTABLISHED = timedelta(days=7)
THESIS = "Faut-il abaisser le droit de vote à 16 ans ?"


def debate_create(
    *,
    owner: User | None = None,
    classrooms: list[Classroom] | None = None,
    thesis: str = THESIS,
    context: str = "Débat préparé en enseignement moral et civique.",
    **extra,
) -> Debate:
    """An open debate. By default the owner is a new teacher with one new class."""
    if owner is None:
        owner = classrooms[0].teachers.first() if classrooms else teacher_create()
    if classrooms is None:
        classrooms = [classroom_create(teacher=owner)]
    return debate_services.debate_create(
        owner=owner, classrooms=classrooms, thesis=thesis, context=context, **extra
    )


def post(
    *,
    author: User,
    debate: Debate,
    text: str = "Voter tôt donne l'habitude de voter.",
    side: str = Side.POUR,
    parent: Argument | None = None,
    kind: str = ArgumentKind.ARGUMENT,
) -> Argument:
    """A post through the full check (pending under pre-moderation)."""
    return debate_services.argument_check_and_post(
        author=author,
        debate=debate,
        text=text,
        kind=kind,
        side="" if kind == ArgumentKind.COMMENT else side,
        parent_id=None if parent is None else parent.pk,
    )


def published(*, author: User, debate: Debate, **fields) -> Argument:
    """A post, approved by the debate's owner when it waits."""
    argument = post(author=author, debate=debate, **fields)
    if argument.status == ArgumentStatus.PENDING:
        debate_services.argument_approve(argument=argument, by=debate.owner)
    return argument


@dataclass
class DebateWorld:
    """`teacher` runs `debate` in `classroom`, where `pupils` are; `outsider` is a pupil of
    `other_classroom`, taught by `other_teacher` in another school."""

    debate: Debate
    teacher: User
    classroom: Classroom
    pupils: list[User]
    other_teacher: User
    other_classroom: Classroom
    outsider: User

    @property
    def pupil(self) -> User:
        return self.pupils[0]

    def profile(self, user: User) -> PupilProfile:
        return PupilProfile.objects.get(user=user)


def debate_world(*, pupils: int = 4, **debate_fields) -> DebateWorld:
    teacher = teacher_create(school=school_create())
    classroom = classroom_create(teacher=teacher, name="2nde 3")
    other_teacher = teacher_create(school=school_create())
    other_classroom = classroom_create(teacher=other_teacher, name="1re B")
    users = [
        pupil_create(classroom=classroom, pseudonym=f"Pseudo-{number:02d}").user
        for number in range(1, pupils + 1)
    ]
    # An established class: its pupils were accepted long enough ago for their reports to count
    # (classroom_votes.debates.reports); tests of fresh accounts make their own.
    PupilProfile.objects.filter(classroom=classroom).update(
        approved_at=timezone.now() - ESTABLISHED
    )
    return DebateWorld(
        debate=debate_create(owner=teacher, classrooms=[classroom], **debate_fields),
        teacher=teacher,
        classroom=classroom,
        pupils=users,
        other_teacher=other_teacher,
        other_classroom=other_classroom,
        outsider=pupil_create(classroom=other_classroom, pseudonym="Dehors-01").user,
    )
