"""Builders for the national picture: classes that run a national question, vote through the
real services and close (which rolls them up, inline under the test settings)."""

from django.test import TestCase

from classroom_votes import tallies
from classroom_votes.consultations import services
from classroom_votes.models import Consultation, NationalContribution, NationalQuestion
from classroom_votes.national.services import class_zone
from school.models import Classroom, School
from tests.classroom_votes.factories import ballots_cast, pupils_create
from tests.school.factories import classroom_create, teacher_create


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
    options = tuple(o.key for o in question.options.all()) or {
        tallies.VotingMethod.YES_NO: tallies.YES_NO_OPTIONS,
        tallies.VotingMethod.SCALE5: tallies.SCALE5_LEVELS,
    }.get(question.method, ())
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
