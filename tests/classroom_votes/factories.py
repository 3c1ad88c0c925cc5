"""Builders for consultations and votes. They go through the services, so every test exercises
the production code paths; schools, teachers, classes and pupils come from tests.school."""

from dataclasses import dataclass

from django.db.models import Sum

from classroom_votes.consultations import services
from classroom_votes.consultations.sealing import ballot_unseal
from classroom_votes.consultations.selectors import consultation_invariant
from classroom_votes.models import (
    Ballot,
    Consultation,
    ConsultationStatus,
    NationalQuestion,
    NationalQuestionOption,
    NationalQuestionSource,
    Participation,
    SealedBallot,
    Tally,
)
from classroom_votes.tallies import VotingMethod
from school.models import Classroom, User
from tests.school.factories import classroom_create, pupil_create, teacher_create

CANDIDATES = [
    {"key": "alice", "label": "Alice Martin", "description": "Déléguée sortante"},
    {"key": "bruno", "label": "Bruno Petit"},
    {"key": "chloe", "label": "Chloé Durand"},
]

OPTIONS = {
    VotingMethod.YES_NO: [],
    VotingMethod.SCALE5: [],
    VotingMethod.SINGLE: CANDIDATES,
    VotingMethod.APPROVAL: CANDIDATES,
    VotingMethod.MAJORITY_JUDGMENT: CANDIDATES,
    VotingMethod.RANKED: CANDIDATES,
}

# One valid ballot per method, and the counters it adds.
VALID_BALLOTS = {
    VotingMethod.YES_NO: ({"choice": "pour"}, {"pour": 1}),
    VotingMethod.SCALE5: ({"choice": "cool"}, {"cool": 1}),
    VotingMethod.SINGLE: ({"choice": "bruno"}, {"bruno": 1}),
    VotingMethod.APPROVAL: (
        {"approved": ["chloe", "alice"]},
        {"ballots": 1, "alice": 1, "chloe": 1},
    ),
    VotingMethod.MAJORITY_JUDGMENT: (
        {"grades": {"alice": "bien", "bruno": "a_rejeter", "chloe": "excellent"}},
        {"ballots": 1, "alice:bien": 1, "bruno:a_rejeter": 1, "chloe:excellent": 1},
    ),
    VotingMethod.RANKED: ({"ranking": ["chloe", "alice"]}, {"chloe": 1}),
}

SOURCES = [
    {
        "panel": "medias",
        "title": "Le vote à 16 ans en débat",
        "url": "https://www.example.fr/articles/vote-16-ans",
        "summary": "Plusieurs pays européens ont abaissé l'âge du droit de vote.",
    },
    {"panel": "pour", "title": "Un engagement plus précoce", "summary": "Voter tôt, c'est voter."},
    {"panel": "contre", "title": "La majorité à 18 ans", "summary": "Droits et devoirs vont avec."},
]


def consultation_create(
    *,
    owner: User | None = None,
    classrooms: list[Classroom] | None = None,
    method: str = VotingMethod.YES_NO,
    status: str = ConsultationStatus.OPEN,
    title: str = "Faut-il abaisser le droit de vote à 16 ans ?",
    options: list[dict] | None = None,
    sources: list[dict] | None = None,
    **extra,
) -> Consultation:
    """A consultation in `status`, opened and closed by its owner through the services. By
    default the owner is a new teacher with one new class."""
    if owner is None:
        owner = classrooms[0].teachers.first() if classrooms else teacher_create()
    if classrooms is None:
        classrooms = [classroom_create(teacher=owner)]
    consultation = services.consultation_create(
        owner=owner,
        classrooms=classrooms,
        title=title,
        context="Question posée en enseignement moral et civique.",
        method=method,
        options=OPTIONS[method] if options is None else options,
        sources=SOURCES if sources is None else sources,
        **extra,
    )
    if status in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED):
        services.consultation_open(consultation=consultation, by=owner)
    if status == ConsultationStatus.CLOSED:
        services.consultation_close(consultation=consultation, by=owner)
    consultation.refresh_from_db()
    return consultation


def pupils_create(*, classroom: Classroom, count: int, prefix: str = "Eleve") -> list[User]:
    return [
        pupil_create(classroom=classroom, pseudonym=f"{prefix}-{classroom.pk}-{n:02d}").user
        for n in range(count)
    ]


@dataclass
class TwoClasses:
    """A consultation closed in two classes, A and B, whose results may each be published: run
    by a teacher of both, with a colleague who teaches only A and one who teaches only B."""

    consultation: Consultation
    a: Classroom
    b: Classroom
    owner: User
    teacher_a: User
    teacher_b: User
    pupil_a: User
    pupil_b: User


def two_classes_consultation() -> TwoClasses:
    owner = teacher_create()
    a = classroom_create(teacher=owner, name="2nde A")
    b = classroom_create(teacher=owner, name="2nde B")
    teacher_a, teacher_b = teacher_create(), teacher_create()
    a.teachers.add(teacher_a)
    b.teachers.add(teacher_b)
    consultation = consultation_create(owner=owner, classrooms=[a, b])
    voters_a = pupils_create(classroom=a, count=5, prefix="A")
    voters_b = pupils_create(classroom=b, count=5, prefix="B")
    ballots_cast(consultation=consultation, voters=voters_a, contents=[{"choice": "pour"}] * 5)
    ballots_cast(consultation=consultation, voters=voters_b, contents=[{"choice": "contre"}] * 5)
    services.consultation_close(consultation=consultation, by=owner)
    return TwoClasses(
        consultation, a, b, owner, teacher_a, teacher_b, pupil_a=voters_a[0], pupil_b=voters_b[0]
    )


def ballots_cast(*, consultation: Consultation, voters: list[User], contents: list[dict]) -> None:
    """Each voter casts the matching content, through the full check."""
    assert len(voters) == len(contents)
    for user, content in zip(voters, contents, strict=True):
        services.ballot_check_and_cast(user=user, consultation_id=consultation.pk, content=content)


def rows_count() -> tuple[int, int, int]:
    """(participations, ballots sealed or mixed, sum of all counters): what a refused vote must
    leave as is. A vote adds a participation and a sealed ballot; the counters move when the
    ballots are mixed (services.ballots_mix, the close)."""
    total = Tally.objects.aggregate(total=Sum("count"))["total"] or 0
    ballots = Ballot.objects.count() + SealedBallot.objects.count()
    return Participation.objects.count(), ballots, total


def invariants_assert() -> None:
    """participations = ballots = sum of tallies, in every consultation."""
    for consultation in Consultation.objects.all():
        participations, ballots, counted = consultation_invariant(consultation=consultation)
        assert participations == ballots == counted, (consultation.pk, participations, ballots)


def national_question_create(
    *,
    title: str = "Faut-il rendre le vote obligatoire ?",
    method: str = VotingMethod.YES_NO,
    options: list[dict] | None = None,
    sources: list[dict] | None = None,
    live: bool = True,
    **extra,
) -> NationalQuestion:
    """A national question as an editor publishes it (live by default), with its panels."""
    question = NationalQuestion(
        title=title,
        context="Une question posée à toutes les classes du pays.",
        method=method,
        live=live,
        **extra,
    )
    question.options = [
        NationalQuestionOption(sort_order=n, **option)
        for n, option in enumerate(OPTIONS[method] if options is None else options)
    ]
    question.sources = [
        NationalQuestionSource(sort_order=n, **source)
        for n, source in enumerate(SOURCES if sources is None else sources)
    ]
    question.save()
    return question


def stored_contents(consultation: Consultation) -> list[dict]:
    """Every ballot the consultation holds, mixed (the urn) or still sealed (opened here, as
    only the application can): what the tests compare with what the pupils cast."""
    urn = list(Ballot.objects.filter(consultation=consultation).values_list("content", flat=True))
    sealed = [
        ballot_unseal(blob, consultation_id=consultation.pk, classroom_id=classroom_id)
        for classroom_id, blob in SealedBallot.objects.filter(
            consultation=consultation
        ).values_list("classroom_id", "sealed")
    ]
    return urn + sealed
