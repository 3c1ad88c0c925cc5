"""Builders for the national picture: classes that run a national question, vote through the
real services and close (which rolls them up, inline under the test settings); and, for scale,
many closed classes written straight as their contributions (tests/bench/national.py)."""

import random
from datetime import datetime, timedelta

from django.test import TestCase
from django.utils import timezone

from classroom_votes import tallies
from classroom_votes.consultations import services
from classroom_votes.models import Consultation, NationalContribution, NationalQuestion
from classroom_votes.national.services import class_zone
from school.models import Classroom, Departement, School
from tests.classroom_votes.factories import ballots_cast, pupils_create
from tests.school.factories import classroom_create, teacher_create, uai_make

# Where the French schools abroad of the bulk builder are (ISO 3166-1).
COUNTRIES = ("ES", "MA", "DE", "US", "SN", "VN", "BR", "GB")


def national_class_close(
    *, question: NationalQuestion, school: School, contents: list[dict], name: str | None = None
) -> Consultation:
    """A new class of `school` runs `question`: one pupil per content votes it, then its
    teacher closes the vote."""
    teacher = teacher_create(school=school)
    classroom = classroom_create(teacher=teacher, school=school, name=name)
    consultation = services.consultation_create_from_national(
        owner=teacher, national_question=question, classrooms=[classroom]
    )
    voters = pupils_create(classroom=classroom, count=len(contents), prefix=f"N{classroom.pk}")
    ballots_cast(consultation=consultation, voters=voters, contents=contents)
    # The close queues the roll-up after commit; the test's transaction never commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.consultation_close(consultation=consultation, by=teacher)
    consultation.refresh_from_db()
    return consultation


def contribution_add(
    *, question: NationalQuestion, school: School, ballots: list[dict], now
) -> NationalContribution:
    """What a close hands to the roll-up for one class of `school` whose pupils cast `ballots`
    (without the class, its votes and its close: for tests of the roll-up alone)."""
    options = question.option_keys()
    ranked = question.method == tallies.VotingMethod.RANKED
    return NationalContribution.objects.create(
        question=question,
        school=school,
        ballots=len(ballots),
        counts=tallies.tally_from_ballots(method=question.method, options=options, ballots=ballots),
        rankings=tallies.rankings_count(options=options, ballots=ballots) if ranked else {},
        closed_at=now,
        **class_zone(Classroom(school=school)),
    )


def contributions_bulk_create(
    *,
    question: NationalQuestion,
    classes: int,
    rng: random.Random,
    abroad_share: float = 0.03,
    classes_per_school: int = 5,
    closed_within_days: float = 30,
    now: datetime | None = None,
    first_number: int = 1,
) -> list[NationalContribution]:
    """`classes` closed classes of a yes/no national question, written as a close writes them
    (one NationalContribution per class: its counters, never a pupil), in bulk and without
    releasing anything: schools spread over every département and, for `abroad_share` of them,
    abroad; about 25 ballots per class; closes spread over the last `closed_within_days`.
    `first_number` keeps UAIs and join codes apart when called again on the same database."""
    now = now or timezone.now()
    departements = list(Departement.objects.order_by("code"))
    school_count = max(2, classes // classes_per_school)
    schools = []
    for n in range(school_count):
        number = first_number + n
        abroad = rng.random() < abroad_share
        schools.append(
            School(
                uai=uai_make(number),
                name=f"Lycée national {number}",
                commune="Ailleurs" if abroad else "Quelque part",
                departement=None if abroad else departements[n % len(departements)],
                country=rng.choice(COUNTRIES) if abroad else "",
            )
        )
    School.objects.bulk_create(schools, batch_size=5000)
    classrooms = [
        Classroom(
            school=schools[n % school_count],
            name=f"Classe nationale {first_number + n}",
            level=Classroom.Level.SECONDE,
            school_year=2026,
            join_code=f"N{first_number + n:011d}",
        )
        for n in range(classes)
    ]
    Classroom.objects.bulk_create(classrooms, batch_size=5000)
    contributions = []
    for classroom in classrooms:
        ballots = rng.randint(18, 32)
        blanc = rng.randint(0, 2)
        pour = rng.randint(0, ballots - blanc)
        counts = {"pour": pour, "contre": ballots - blanc - pour, "blanc": blanc}
        contributions.append(
            NationalContribution(
                question=question,
                classroom=classroom,
                school=classroom.school,
                ballots=ballots,
                counts={key: value for key, value in counts.items() if value},
                rankings={},
                closed_at=now - timedelta(days=rng.uniform(0, closed_within_days)),
                **class_zone(classroom),
            )
        )
    return NationalContribution.objects.bulk_create(contributions, batch_size=5000)
