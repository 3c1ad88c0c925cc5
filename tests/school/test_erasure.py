"""Erasing a pupil leaves nothing behind, checked generically over every table of every installed
app: no row points at the user, and no text or JSON column holds their pseudonym or username."""

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from courses.models import CourseCompletion, LessonProgress, QuizAttempt
from courses.services import lesson_progress_touch
from school.models import PupilProfile, User
from school.services import classroom_join_code_regenerate, pupils_erase
from tests.courses.factories import course_create, lesson_create
from tests.school.factories import (
    TEACHER_PASSWORD,
    classroom_create,
    pupil_create,
    school_create,
    teacher_create,
)
from tests.school.test_api import quiz_attempt_make

# A pseudonym the generator never makes (it has spaces), so a match can only be this pupil's.
PSEUDONYM = "Effacement Test 77"

# Columns that cannot hold text; every other non-relational column is scanned.
NON_TEXT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "FloatField",
    "DecimalField",
    "BooleanField",
    "NullBooleanField",
    "DateField",
    "DateTimeField",
    "TimeField",
    "DurationField",
    "UUIDField",
    "BinaryField",
}


def _tables_and_skipped():
    """(model, table) for every model with a table of its own, M2M through tables included; and
    every model left out, with the reason, so that nothing is skipped silently."""
    existing = set(connection.introspection.table_names())
    tables, skipped = {}, {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy:
            skipped[meta.label] = f"proxy: its table {meta.db_table} is scanned"
        elif meta.db_table not in existing:
            skipped[meta.label] = "no table"
        elif meta.db_table in tables:
            skipped[meta.label] = f"shares {meta.db_table}"
        else:
            tables[meta.db_table] = model
    return [(model, table) for table, model in tables.items()], skipped


def _tables():
    return _tables_and_skipped()[0]


def _user_key_targets() -> set[type[models.Model]]:
    """The user model and every model whose primary key is the user's (PupilProfile...)."""
    targets = {User}
    for model in apps.get_models():
        pk = model._meta.pk
        if pk.is_relation and pk.related_model is User:
            targets.add(model)
    return targets


def _rows_pointing_at(user_id: int) -> dict[str, int]:
    targets = _user_key_targets()
    user_type = ContentType.objects.get_for_model(User)
    found = {}
    for model, table in _tables():
        for field in model._meta.local_concrete_fields:
            if field.is_relation and field.related_model in targets:
                count = model._base_manager.filter(**{field.attname: user_id}).count()
                if count:
                    found[f"{table}.{field.column}"] = count
        for field in model._meta.private_fields:
            if isinstance(field, GenericForeignKey):
                lookup = {field.ct_field: user_type, field.fk_field: user_id}
                count = model._base_manager.filter(**lookup).count()
                if count:
                    found[f"{table}.{field.fk_field} (generic)"] = count
    return found


def _text_columns(model) -> list[str]:
    return [
        field.column
        for field in model._meta.local_concrete_fields
        if not field.is_relation and field.get_internal_type() not in NON_TEXT_TYPES
    ]


def _tables_containing(needles: list[str]) -> tuple[dict[str, int], list[str]]:
    """Columns whose text (case-insensitive) contains a needle; and the tables scanned."""
    quote = connection.ops.quote_name
    found, scanned = {}, []
    with connection.cursor() as cursor:
        for model, table in _tables():
            columns = _text_columns(model)
            if not columns:
                continue
            scanned.append(table)
            for column in columns:
                for needle in needles:
                    pattern = "%" + needle.lower().replace("\\", "\\\\").replace("%", "\\%") + "%"
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608 (names from models)
                        f"WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE %s ESCAPE '\\'",
                        [pattern.replace("_", "\\_")],
                    )
                    count = cursor.fetchone()[0]
                    if count:
                        found[f"{table}.{column} ∋ {needle}"] = count
    return found, scanned


@pytest.fixture
def pupils(request, site_tree):
    """The pupil to erase, with every kind of trace; and another pupil with the same kinds. The
    failed login goes through one of the two forms: username + password, or class code +
    pseudonym + secret (the pupils' form), possibly before the class got a new code."""
    teacher = teacher_create(email="prof-effacement@example.fr", school=school_create())
    classroom = classroom_create(teacher=teacher, name="3e D", level="3e")
    pupil = pupil_create(classroom=classroom, pseudonym=PSEUDONYM).user
    other = pupil_create(classroom=classroom).user
    course = course_create(parent=site_tree)
    lesson = lesson_create(course=course, title="Le Conseil constitutionnel")
    # Logged in first: a successful login clears earlier failures (AXES_RESET_ON_SUCCESS).
    sessions = {}
    for user in (pupil, other):
        client = Client()
        client.force_login(user)
        sessions[user.pk] = client.session.session_key
    login_request = RequestFactory().post("/connexion/")
    now = timezone.now()
    for user in (pupil, other):
        lesson_progress_touch(user=user, lesson=lesson)
        quiz_attempt_make(user=user, lesson=lesson, right=False)
        quiz_attempt_make(user=user, lesson=lesson)
        # The course completed by passing its final test.
        CourseCompletion.objects.create(
            user=user, course=course, score=2, max_score=3, completed_at=now, best_at=now
        )
        AuthToken.objects.create(user=user)
        if getattr(request, "param", "username") == "username":
            authenticate(login_request, username=user.username, password="wrong")
        else:
            authenticate(
                login_request,
                class_code=classroom.join_code,
                pseudonym=user.pupil.pseudonym,
                secret="wrong-secret",
            )
    assert AccessAttempt.objects.count() == 2
    if getattr(request, "param", "") == "class_code_then_new_code":
        classroom_join_code_regenerate(classroom=classroom)
    return pupil, other, sessions


def test_erasure_scan_covers_every_table(db):
    found, skipped = _tables_and_skipped()
    tables = [table for _model, table in found]
    # Only proxies are left out, and their table is scanned through the concrete model.
    for label, reason in skipped.items():
        assert reason.startswith("proxy:") and reason.split()[3] in tables, (label, reason)
    scanned = _tables_containing(["-"])[1]
    assert len(tables) > 20
    assert "courses_coursecompletion" in tables  # keys, scores and dates: no text to scan
    for table in ("courses_quizattempt", "school_pupilprofile", "axes_accessattempt"):
        assert table in tables and table in scanned
    assert "courses_lessonprogress" in tables  # keys and dates only: no text to scan
    assert "django_session" in scanned
    assert "knox_authtoken" in tables and "school_user_groups" in tables
    # Every scanned column really exists (SQLite would read an unknown "column" as a string).
    with connection.cursor() as cursor:
        for model, table in found:
            description = connection.introspection.get_table_description(cursor, table)
            assert set(_text_columns(model)) <= {column.name for column in description}, table
    # The FK scan reaches through PupilProfile (its key is the user's) as well as User.
    assert PupilProfile in _user_key_targets()


@pytest.mark.parametrize(
    "pupils",
    [
        "username",
        "class_code",
        "class_code_then_new_code",
    ],
    indirect=True,
)
def test_erased_pupil_leaves_no_trace_in_any_table(pupils):
    pupil, other, sessions = pupils
    needles = [pupil.username, PSEUDONYM]
    # The traces are really there before, or the scan below would prove nothing.
    assert _rows_pointing_at(pupil.pk)
    before_text, _scanned = _tables_containing(needles)
    assert any(key.startswith("school_pupilprofile.") for key in before_text)
    # django-axes keys the pupils' form by a keyed hash of class code + pseudonym, never in clear;
    # a username + password failure holds the (internal) username.
    by_username = AccessAttempt.objects.filter(username=pupil.username).exists()
    in_axes = any(key.startswith("axes_accessattempt.") for key in before_text)
    assert in_axes == by_username, before_text
    other_counts = {
        "attempts": QuizAttempt.objects.filter(user=other).count(),
        "progress": LessonProgress.objects.filter(user=other).count(),
        "completions": CourseCompletion.objects.filter(user=other).count(),
        "token": AuthToken.objects.filter(user=other).count(),
    }
    # The fixture records the other pupil's failed login last.
    other_failed_login = AccessAttempt.objects.order_by("pk").last().pk

    assert pupils_erase(user_ids={pupil.pk}) == 1

    assert _rows_pointing_at(pupil.pk) == {}
    found, scanned = _tables_containing(needles)
    assert found == {}
    assert "courses_quizattempt" in scanned
    # The erased pupil's session is not searched for (that would mean decoding everyone's):
    # it no longer loads a user, and goes at its first use.
    assert _session_user(sessions[pupil.pk]) is None
    assert not Session.objects.filter(pk=sessions[pupil.pk]).exists()
    assert _session_user(sessions[other.pk]) == other.pk
    # The other pupil is untouched.
    assert other_counts == {
        "attempts": QuizAttempt.objects.filter(user=other).count(),
        "progress": LessonProgress.objects.filter(user=other).count(),
        "completions": CourseCompletion.objects.filter(user=other).count(),
        "token": AuthToken.objects.filter(user=other).count(),
    }
    assert other_counts["attempts"] == 2 and other_counts["completions"] == 1
    assert AccessAttempt.objects.filter(pk=other_failed_login).exists()
    assert Session.objects.filter(pk=sessions[other.pk]).exists()
    assert User.objects.get(pk=other.pk).pupil.pseudonym


def _session_user(session_key: str) -> int | None:
    """Who a browser holding this session cookie is, as the site sees it."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = client.get(reverse("school:privacy"))
    user = response.wsgi_request.user
    return user.pk if user.is_authenticated else None


def test_erase_ignores_non_pupils(pupils):
    teacher = User.objects.get(username="prof-effacement@example.fr")
    assert pupils_erase(user_ids={teacher.pk}) == 0
    assert User.objects.filter(pk=teacher.pk).exists()
    assert teacher.check_password(TEACHER_PASSWORD)
