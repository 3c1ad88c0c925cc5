from dataclasses import dataclass

import pytest

from school.models import Classroom, PupilProfile, User

from .factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    school_create,
    teacher_create,
)


@dataclass
class Cast:
    """Everyone the permission checks need: `teacher` teaches `classroom`, where `pupil` is;
    `other_teacher` teaches `other_classroom` (another school), where `other_pupil` is."""

    classroom: Classroom
    other_classroom: Classroom
    teacher: User
    other_teacher: User
    pupil: PupilProfile
    other_pupil: PupilProfile
    editor: User
    admin: User

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "pupil": self.pupil.user,
            "other_pupil": self.other_pupil.user,
            "teacher": self.teacher,
            "other_teacher": self.other_teacher,
            "editor": self.editor,
            "admin": self.admin,
        }[role]


@pytest.fixture
def cast(db) -> Cast:
    teacher = teacher_create(school=school_create())
    other_teacher = teacher_create(school=school_create())
    classroom = classroom_create(teacher=teacher, name="2nde 4")
    other_classroom = classroom_create(teacher=other_teacher, name="1re B")
    return Cast(
        classroom=classroom,
        other_classroom=other_classroom,
        teacher=teacher,
        other_teacher=other_teacher,
        pupil=pupil_create(classroom=classroom, pseudonym="Renard-Bleu-27"),
        other_pupil=pupil_create(classroom=other_classroom, pseudonym="Loup-Vert-31"),
        editor=editor_create(),
        admin=admin_create(),
    )


@pytest.fixture
def teacher_client(client, cast):
    client.force_login(cast.teacher)
    return client


@pytest.fixture
def pupil_client():
    """A second browser, for the pupil, beside `teacher_client`."""
    from django.test import Client

    return Client()
