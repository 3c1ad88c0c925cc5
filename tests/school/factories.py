"""Builders for schools, teachers, classes and pupils, reusable by every app's tests.

Pupils get a known secret (PUPIL_SECRET unless told otherwise) so tests can log them in through the
real backend: `client.post("/connexion-eleve/", pupil_login_data(pupil))`."""

import itertools
from datetime import timedelta

from django.utils import timezone

from school.models import Classroom, Departement, PupilProfile, School, User
from school.models.schools import uai_key
from school.pseudonyms import join_code_generate

PUPIL_SECRET = "lune-tigre-42"
TEACHER_PASSWORD = "Hemicycle-enseignant-2026"

_counter = itertools.count(1)


def uai_make(number: int) -> str:
    """A valid UAI (7 digits and their key letter) built from any number below 10**7."""
    digits = f"{number:07d}"
    return digits + uai_key(digits)


def school_create(
    *,
    uai: str | None = None,
    name: str | None = None,
    departement: str | None = "75",
    country: str = "",
    teachers=(),
) -> School:
    """A school in a département (code), or abroad when `country` is given."""
    number = next(_counter)
    school = School.objects.create(
        uai=uai or uai_make(7_500_000 + number),
        name=name or f"Lycée {number}",
        commune="Paris" if not country else "Madrid",
        departement=None if country else Departement.objects.get(code=departement),
        country=country,
    )
    school.teachers.add(*teachers)
    return school


def user_create(
    *, role: str, username: str | None = None, password: str = TEACHER_PASSWORD, **extra
):
    number = next(_counter)
    return User.objects.create_user(
        username=username or f"{role}-{number}@example.fr",
        email=username or f"{role}-{number}@example.fr",
        password=password,
        role=role,
        **extra,
    )


def teacher_create(*, email: str | None = None, school: School | None = None, **extra) -> User:
    """A teacher (username = email) attached to `school`, or to a new school when none is given."""
    teacher = user_create(role=User.Role.TEACHER, username=email, **extra)
    (school or school_create()).teachers.add(teacher)
    return teacher


def editor_create(**extra) -> User:
    return user_create(role=User.Role.EDITOR, **extra)


def admin_create(**extra) -> User:
    return user_create(role=User.Role.ADMIN, **extra)


def classroom_create(
    *,
    teacher: User | None = None,
    school: School | None = None,
    name: str | None = None,
    level: str = Classroom.Level.SECONDE,
    school_year: int = 2026,
    join_enabled: bool = True,
    join_approval: bool = False,
    max_pupils: int | None = None,
) -> Classroom:
    """A class taught by `teacher` (a new one when none is given) in `school` (by default the
    teacher's first school). Unlike a class a teacher creates (closed, with approval), it is
    open to joining for a week and lets newcomers in at once unless told otherwise."""
    teacher = teacher or teacher_create(school=school)
    school = school or teacher.schools.first() or school_create(teachers=[teacher])
    classroom = Classroom.objects.create(
        school=school,
        name=name or f"Classe {next(_counter)}",
        level=level,
        school_year=school_year,
        join_code=_join_code_unique(),
        join_enabled=join_enabled,
        join_closes_at=timezone.now() + timedelta(weeks=1) if join_enabled else None,
        join_approval=join_approval,
        max_pupils=max_pupils,
    )
    classroom.teachers.add(teacher)
    return classroom


def _join_code_unique() -> str:
    while True:
        code = join_code_generate()
        if not Classroom.objects.filter(join_code=code).exists():
            return code


def pupil_create(
    *,
    classroom: Classroom,
    pseudonym: str | None = None,
    secret: str = PUPIL_SECRET,
    approved: bool = True,
) -> PupilProfile:
    """A pupil of `classroom`, accepted by the teacher unless `approved` is False (waiting)."""
    number = next(_counter)
    user = User(username=f"pupil-test-{number}", role=User.Role.PUPIL)
    user.set_password(secret)
    user.save()
    return PupilProfile.objects.create(
        user=user,
        classroom=classroom,
        pseudonym=pseudonym or f"Eleve-{number}",
        approved_at=timezone.now() if approved else None,
    )


def pupil_login_data(pupil: PupilProfile, *, secret: str = PUPIL_SECRET) -> dict:
    return {
        "class_code": pupil.classroom.join_code,
        "pseudonym": pupil.pseudonym,
        "secret": secret,
    }
