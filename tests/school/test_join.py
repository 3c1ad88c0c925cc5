"""Joining a class with its code, through the /rejoindre/ page: only while the teacher has it
open, within the class's size, with a generated pseudonym, and one answer for every refusal."""

import contextlib
import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from config.typography import french_text
from school import services
from school.models import Classroom, PupilProfile, User
from school.pseudonyms import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    join_code_format,
    join_code_generate,
    join_code_normalise,
)

from .factories import classroom_create, pupil_create

JOIN_URL = reverse("school:pupil_join")
REFUSED = french_text(escape(services.SchoolError(services.JOIN_REFUSED).message))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _join(client, code, **extra):
    return client.post(JOIN_URL, {"class_code": code, **extra})


def _created_nothing(client, users_before: int) -> bool:
    return User.objects.count() == users_before and "_auth_user_id" not in client.session


def test_join_code_has_eight_characters_shown_in_groups():
    code = join_code_generate()
    assert len(code) == JOIN_CODE_LENGTH == 8
    assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert len(JOIN_CODE_ALPHABET) ** JOIN_CODE_LENGTH > 8 * 10**11
    assert join_code_format("K7PM2XQR") == "K7PM-2XQR"
    assert join_code_format("K7PM2X") == "K7PM2X"  # an older code, as it always was
    assert join_code_normalise(" k7pm-2xqr ") == join_code_normalise("K7PM 2XQR") == "K7PM2XQR"


def test_join_page_shows_labelled_form_prefilled_from_link(client, db):
    response = client.get(JOIN_URL, {"code": "k7pm-2xqr"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="fr-label" for="id_class_code">' in html
    assert 'value="K7PM2XQR"' in html
    assert 'name="pseudonym"' not in html


def test_join_with_valid_code_logs_pupil_in_and_shows_card_once(client, db):
    classroom = classroom_create()
    typed = join_code_format(classroom.join_code).lower()
    response = _join(client, typed)
    assert response.status_code == 200
    pupil = PupilProfile.objects.get(classroom=classroom)
    assert int(client.session["_auth_user_id"]) == pupil.user_id
    html = response.content.decode()
    assert escape("note-la, elle te servira à te reconnecter") in html
    assert join_code_format(classroom.join_code) in html
    assert pupil.pseudonym in html
    assert "no-store" in response["Cache-Control"]
    # The secret shown is the one that works.
    secret = response.context["credentials"][0].secret
    assert secret in html
    assert pupil.user.check_password(secret)


def test_join_ignores_a_pseudonym_typed_by_the_pupil(client, db):
    classroom = classroom_create()
    _join(client, classroom.join_code, pseudonym="Jean Dupont")
    pupil = PupilProfile.objects.get(classroom=classroom)
    assert pupil.pseudonym != "Jean Dupont"
    assert re.fullmatch(r"[A-Z][a-z]+-[A-Z][a-z]+-\d{2}", pupil.pseudonym)


def test_join_with_regenerated_code_refuses_old_code(client, db):
    classroom = classroom_create()
    old_code = classroom.join_code
    new_code = services.classroom_join_code_regenerate(classroom=classroom)
    assert len(new_code) == JOIN_CODE_LENGTH
    response = _join(client, old_code)
    assert REFUSED in response.content.decode()
    assert not PupilProfile.objects.exists()
    _join(client, new_code)
    assert PupilProfile.objects.filter(classroom=classroom).count() == 1


def _refusing(setup: str, monkeypatch) -> str:
    """A code that a class refuses for the reason `setup`; a code no class has for "unknown"."""
    classroom = classroom_create(max_pupils=2)
    pupil_create(classroom=classroom)
    if setup == "closed":
        services.classroom_join_close(classroom=classroom)
    elif setup == "closed_by_time":
        services.classroom_join_open(classroom=classroom, duration=timedelta(minutes=15))
        later = timezone.now() + timedelta(minutes=15, seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
    elif setup == "full":
        pupil_create(classroom=classroom)
    elif setup == "archived":
        services.classroom_archive(classroom=classroom)
    elif setup == "unknown":
        code = join_code_generate()
        while Classroom.objects.filter(join_code=code).exists():
            code = join_code_generate()
        return code
    return classroom.join_code


REFUSALS = ["unknown", "closed", "closed_by_time", "full", "archived"]


@pytest.mark.parametrize("setup", REFUSALS)
def test_join_refuses_and_creates_nothing(client, db, monkeypatch, setup):
    code = _refusing(setup, monkeypatch)
    users, pupils = User.objects.count(), PupilProfile.objects.count()
    response = _join(client, code)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert REFUSED in html
    assert _created_nothing(client, users)
    assert PupilProfile.objects.count() == pupils


@override_settings(HEMICYCLE_CLASS_MAX_PUPILS=2)
def test_join_refuses_beyond_the_site_limit_whatever_the_class_says(client, db):
    classroom = classroom_create(max_pupils=None)
    pupil_create(classroom=classroom)
    _join(client, classroom.join_code)
    assert PupilProfile.objects.filter(classroom=classroom).count() == 2
    users = User.objects.count()
    response = _join(client.__class__(), classroom.join_code)
    assert REFUSED in response.content.decode()
    assert User.objects.count() == users


def test_join_refusals_all_look_the_same(db, monkeypatch):
    """Whatever the reason, the same status and page: the form never tells whether a code
    exists (only the CSRF token, new on every page, differs)."""
    from django.test import Client

    pages = {}
    for setup in REFUSALS:
        with monkeypatch.context() as patch:
            code = _refusing(setup, patch)
            response = _join(Client(), code)
        pages[setup] = (
            response.status_code,
            CSRF_INPUT.sub("", response.content.decode()).replace(code, "CODE"),
        )
    assert len(set(pages.values())) == 1, {k: v[0] for k, v in pages.items()}


@pytest.mark.parametrize("setup", REFUSALS)
def test_join_refusals_all_cost_the_same_hashing(db, monkeypatch, setup):
    """Every refusal, an unknown code's included, hashes a secret as a join does: the time a
    refusal takes does not tell whether the code exists."""
    code = _refusing(setup, monkeypatch)
    hashed = []
    real = services.make_password
    monkeypatch.setattr(services, "make_password", lambda value: hashed.append(1) or real(value))
    with pytest.raises(services.SchoolError) as error:
        services.pupil_check_and_join(join_code=code)
    assert error.value.code == services.JOIN_REFUSED
    assert len(hashed) == 1


def test_join_opens_only_when_teacher_opened_it(client, db):
    """A class that a teacher creates starts closed; opened, it takes pupils until its time."""
    teacher_class = classroom_create()
    classroom = services.classroom_create(
        teacher=teacher_class.teachers.get(),
        school=teacher_class.school,
        name="Nouvelle",
        level="2nde",
        school_year=2026,
    )
    assert not classroom.join_is_open and classroom.join_approval
    _join(client, classroom.join_code)
    assert not PupilProfile.objects.filter(classroom=classroom).exists()
    services.classroom_join_open(classroom=classroom, duration=timedelta(hours=1))
    _join(client, classroom.join_code)
    assert PupilProfile.objects.filter(classroom=classroom).count() == 1


def test_join_open_refuses_a_delay_beyond_a_week(db):
    classroom = classroom_create(join_enabled=False)
    with pytest.raises(services.SchoolError) as error:
        services.classroom_join_open(classroom=classroom, duration=timedelta(days=8))
    assert error.value.code == services.JOIN_DURATION_INVALID
    classroom.refresh_from_db()
    assert not classroom.join_enabled


def test_join_with_approval_leaves_the_pupil_waiting(client, db):
    classroom = classroom_create(join_approval=True)
    response = _join(client, classroom.join_code)
    pupil = PupilProfile.objects.get(classroom=classroom)
    assert pupil.is_waiting
    assert reverse("school:pupil_waiting") in response.content.decode()
    assert client.get(reverse("courses:dashboard"))["Location"] == reverse("school:pupil_waiting")


def test_join_counts_and_adds_under_the_class_lock(db):
    """Two pupils joining at once cannot both take the last seat: the class row is locked
    before its pupils are counted, and the new pupil is written under the same lock."""
    if not connection.features.has_select_for_update:
        pytest.skip("the database takes no row locks (SQLite locks the whole file)")
    classroom = classroom_create()
    with CaptureQueriesContext(connection) as queries:
        services.pupil_check_and_join(join_code=classroom.join_code)
    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "school_classroom" in q)
    count = next(i for i, q in enumerate(sql) if "COUNT(" in q and "school_pupilprofile" in q)
    insert = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "school_pupilprofile"'))
    assert lock < count < insert


def test_two_concurrent_joins_cannot_overfill_the_class(territories, monkeypatch):
    """On PostgreSQL: two threads join a class with one seat left; each waits for the other
    after counting (as long as the lock lets it): only one gets in."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    classroom = classroom_create(max_pupils=1)
    barrier = threading.Barrier(2, timeout=2)
    count_then_wait = services._refuse_beyond_limit

    def slow_check(classroom, *, adding):
        count_then_wait(classroom, adding=adding)
        # Broken when the other thread is blocked on the lock, as it should be.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    monkeypatch.setattr(services, "_refuse_beyond_limit", slow_check)
    outcomes = []

    def join():
        try:
            services.pupil_check_and_join(join_code=classroom.join_code)
            outcomes.append("joined")
        except services.SchoolError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(["joined", services.JOIN_REFUSED])
    assert PupilProfile.objects.filter(classroom=classroom).count() == 1


def test_join_requires_a_code(client, db):
    response = _join(client, "")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not PupilProfile.objects.exists()
