"""A demo class for a laptop: a school, a teacher, the class « 2nde B » with twelve pupils who have
worked through part of the seeded course, and one pupil whose credentials are known; an open
consultation and a debate in the class (content.demo_classwork).

Idempotent: everything is looked up before it is made, and a pupil's activity is simulated only
while that pupil has none, so a second run changes nothing. Accounts, classes and quiz attempts go
through the apps' services; only the simulated dates and reading times are then set directly, so
the teacher's dashboard shows a few days of history rather than one second."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.demo_classwork import classwork_ensure
from content.demo_national import national_demo_ensure
from courses.grading import question_choices, quiz_grade, quiz_questions
from courses.models import Assignment, CoursePage, LessonPage, LessonProgress, QuizAttempt
from courses.services import (
    assignment_create,
    lesson_progress_touch,
    quiz_attempt_record,
)
from school.models import Classroom, Departement, PupilProfile, School, User
from school.services import classroom_create, pupil_rename, pupils_bulk_create

DEMO_UAI = "0750655E"  # 0750655 mod 23 = 4 → "E"
DEMO_SCHOOL_NAME = "Lycée de démonstration Hémicycle"
DEMO_SCHOOL_COMMUNE = "Paris"
DEMO_DEPARTEMENT = "75"
DEMO_TEACHER_EMAIL = "enseignant@hemicycle.test"
DEMO_TEACHER_PASSWORD = "demo-enseignant-hemicycle"  # noqa: S105 (a laptop demo, printed)
DEMO_CLASS_NAME = "2nde B"
DEMO_CLASS_LEVEL = Classroom.Level.SECONDE
DEMO_SCHOOL_YEAR = 2026
DEMO_PUPIL_COUNT = 12
DEMO_PUPIL_PSEUDONYM = "Renard-Bleu-27"
DEMO_PUPIL_SECRET = "lune-tigre-48"  # noqa: S105 (a laptop demo, printed)
DEMO_COURSE_SLUG = "la-ve-republique-et-ses-institutions"
DEMO_DUE_IN_DAYS = 21

# One plan per pupil, in the order they were created (the known pupil first): how many lessons
# completed (quizzes done), how many more only opened, and the chance of answering right.
PUPIL_PLANS = [
    (4, 1, 0.75),
    (10, 0, 0.9),
    (7, 1, 0.7),
    (6, 1, 0.6),
    (5, 0, 0.85),
    (4, 2, 0.45),
    (3, 1, 0.65),
    (3, 0, 0.35),
    (2, 1, 0.8),
    (1, 1, 0.55),
    (0, 1, 0.0),
    (0, 0, 0.0),
]


class DemoCourseMissing(LookupError):
    pass


@dataclass
class DemoReport:
    teacher_email: str
    teacher_password: str
    classroom: Classroom
    pupil_pseudonym: str
    pupil_secret: str
    created: list[str] = field(default_factory=list)

    @property
    def join_code(self) -> str:
        return self.classroom.join_code


def demo_course_missing_message() -> str:
    return _(
        "Le cours « La Ve République et ses institutions » est introuvable : chargez d'abord les "
        "contenus avec « python manage.py seed_content » (make run le fait)."
    )


@transaction.atomic
def demo_build(*, today: date | None = None) -> DemoReport:
    """Build (or find) the demo; raise DemoCourseMissing when seed_content has not run."""
    course = CoursePage.objects.live().filter(slug=DEMO_COURSE_SLUG).first()
    lessons = list(course.lessons()) if course else []
    if not lessons:
        raise DemoCourseMissing(demo_course_missing_message())
    created: list[str] = []
    school = _school_ensure(created)
    teacher = _teacher_ensure(school, created)
    classroom = _classroom_ensure(school, teacher, created)
    _assignment_ensure(classroom, course, teacher, today or timezone.localdate(), created)
    pupils = _pupils_ensure(classroom, created)
    active = sum(
        _activity_simulate(pupil.user, lessons, PUPIL_PLANS[index % len(PUPIL_PLANS)], seed=index)
        for index, pupil in enumerate(pupils)
    )
    if active:
        created.append(f"activité de {active} élèves")
    classwork_ensure(teacher=teacher, classroom=classroom, pupils=pupils, created=created)
    national_demo_ensure(created=created)
    return DemoReport(
        teacher_email=DEMO_TEACHER_EMAIL,
        teacher_password=DEMO_TEACHER_PASSWORD,
        classroom=classroom,
        pupil_pseudonym=DEMO_PUPIL_PSEUDONYM,
        pupil_secret=DEMO_PUPIL_SECRET,
        created=created,
    )


def _school_ensure(created: list[str]) -> School:
    school, is_new = School.objects.get_or_create(
        uai=DEMO_UAI,
        defaults={
            "name": DEMO_SCHOOL_NAME,
            "commune": DEMO_SCHOOL_COMMUNE,
            "departement": Departement.objects.get(code=DEMO_DEPARTEMENT),
        },
    )
    if is_new:
        school.full_clean()
        created.append("établissement")
    return school


def _teacher_ensure(school: School, created: list[str]) -> User:
    teacher, is_new = User.objects.get_or_create(
        username=DEMO_TEACHER_EMAIL,
        defaults={
            "email": DEMO_TEACHER_EMAIL,
            "first_name": "Camille",
            "last_name": "Martin",
            "role": User.Role.TEACHER,
        },
    )
    if is_new or not teacher.check_password(DEMO_TEACHER_PASSWORD):
        teacher.set_password(DEMO_TEACHER_PASSWORD)
        teacher.save(update_fields=["password"])
    if is_new:
        created.append("enseignant")
    if not school.teachers.filter(pk=teacher.pk).exists():
        school.teachers.add(teacher)
    return teacher


def _classroom_ensure(school: School, teacher: User, created: list[str]) -> Classroom:
    classroom = Classroom.objects.filter(
        school=school, school_year=DEMO_SCHOOL_YEAR, name__iexact=DEMO_CLASS_NAME
    ).first()
    if classroom is None:
        created.append("classe")
        return classroom_create(
            teacher=teacher,
            school=school,
            name=DEMO_CLASS_NAME,
            level=DEMO_CLASS_LEVEL,
            school_year=DEMO_SCHOOL_YEAR,
        )
    if not classroom.teachers.filter(pk=teacher.pk).exists():
        classroom.teachers.add(teacher)
    return classroom


def _assignment_ensure(classroom, course, teacher, today: date, created: list[str]) -> None:
    if not Assignment.objects.filter(classroom=classroom, course=course).exists():
        assignment_create(
            classroom=classroom,
            teacher=teacher,
            course=course,
            due_date=today + timedelta(days=DEMO_DUE_IN_DAYS),
        )
        created.append("devoir")


def _pupils_ensure(classroom: Classroom, created: list[str]) -> list[PupilProfile]:
    """The known pupil, then generated ones up to DEMO_PUPIL_COUNT; oldest first."""
    known = PupilProfile.objects.filter(
        classroom=classroom, pseudonym__iexact=DEMO_PUPIL_PSEUDONYM
    ).first()
    if known is None:
        # Made by the teacher (approved at once), then given the pseudonym the README prints.
        [card] = pupils_bulk_create(classroom=classroom, count=1)
        known = card.pupil
        pupil_rename(pupil=known, pseudonym=DEMO_PUPIL_PSEUDONYM)
        created.append(DEMO_PUPIL_PSEUDONYM)
    if not known.user.check_password(DEMO_PUPIL_SECRET):
        known.user.set_password(DEMO_PUPIL_SECRET)
        known.user.save(update_fields=["password"])
    missing = DEMO_PUPIL_COUNT - PupilProfile.objects.filter(classroom=classroom).count()
    if missing > 0:
        pupils_bulk_create(classroom=classroom, count=missing)
        created.append(f"{missing} élèves")
    others = (
        PupilProfile.objects.filter(classroom=classroom)
        .exclude(pk=known.pk)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    return [known, *others]


def _quiz_answers(quiz, rng: random.Random, skill: float) -> dict[str, list[str]]:
    """What a pupil answers, by choice id: each answer right with probability `skill`,
    otherwise one wrong choice."""
    answers = {}
    for question_id, question in quiz_questions(quiz):
        choices = question_choices(question)
        correct = [choice_id for choice_id, _text, is_correct in choices if is_correct]
        wrong = [choice_id for choice_id, _text, is_correct in choices if not is_correct]
        right = rng.random() < skill or not wrong
        answers[question_id] = correct if right else [rng.choice(wrong)]
    return answers


def _quiz_attempt(user, lesson, quiz_id, quiz, rng, skill) -> None:
    """Graded and stored as the lesson's form would have it (the demo answers by choice, not
    by the positions of a shuffled form)."""
    result = quiz_grade(quiz, _quiz_answers(quiz, rng, skill))
    quiz_attempt_record(user=user, lesson=lesson, quiz_id=quiz_id, result=result)


def _activity_simulate(user: User, lessons: list[LessonPage], plan, *, seed: int) -> bool:
    """Open and complete lessons in order, as planned, for a pupil who has done nothing yet."""
    if (
        LessonProgress.objects.filter(user=user).exists()
        or QuizAttempt.objects.filter(user=user).exists()
    ):
        return False
    completed, opened, skill = plan
    if completed + opened == 0:
        return False
    rng = random.Random(f"hemicycle-demo-{seed}")
    now = timezone.now()
    count = min(completed + opened, len(lessons))
    for position, lesson in enumerate(lessons[:count]):
        # One lesson a day or so, ending yesterday, during school hours.
        moment = (now - timedelta(days=count - position)).replace(
            hour=rng.randint(8, 16), minute=rng.randint(0, 59)
        )
        lesson_progress_touch(user=user, lesson=lesson)
        finished = position < completed
        if finished:
            for quiz_id, quiz in lesson.quiz_blocks().items():
                _quiz_attempt(user, lesson, quiz_id, quiz, rng, skill)
                if rng.random() < 0.3:  # a second try, a little better
                    _quiz_attempt(user, lesson, quiz_id, quiz, rng, min(1.0, skill + 0.2))
        _dates_backdate(user, lesson, moment, finished, rng)
    return True


def _dates_backdate(user, lesson: LessonPage, moment, finished: bool, rng: random.Random) -> None:
    """Spread what was just recorded over a plausible visit starting at `moment`."""
    minutes = max(1, round(lesson.estimated_minutes * rng.uniform(0.6, 1.3)))
    if not finished:
        minutes = max(1, minutes // 3)
    end = moment + timedelta(minutes=minutes)
    attempts = list(
        QuizAttempt.objects.filter(user=user, lesson=lesson).order_by("pk").values_list("pk")
    )
    for offset, (attempt_id,) in enumerate(attempts):
        QuizAttempt.objects.filter(pk=attempt_id).update(
            created_at=end - timedelta(minutes=len(attempts) - offset)
        )
    progress = LessonProgress.objects.filter(user=user, lesson=lesson)
    progress.update(opened_at=moment, last_seen_at=end, time_spent_seconds=minutes * 60)
    progress.filter(completed_at__isnull=False).update(completed_at=end)
