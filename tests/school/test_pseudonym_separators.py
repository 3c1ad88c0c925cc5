"""Pseudonyms typed whatever the case, spaces or dashes (issue 22): "Renard Bleu 27",
"renardbleu27" and "RENARD-BLEU-27" are the pupil "Renard-Bleu-27" at login, in the lockout
counter and in the one-per-class uniqueness, through the one canonical form; migration 0009
recomputes the keys stored before."""

from importlib import import_module

import pytest
from axes.models import AccessAttempt
from django.apps import apps as django_apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from school import services
from school.models import PupilProfile
from school.pseudonyms import pseudonym_canonical

from .factories import PUPIL_SECRET, classroom_create, pupil_create

PUPIL_LOGIN_URL = reverse("school:pupil_login")
LIMIT = settings.AXES_FAILURE_LIMIT
SPELLINGS = ["Renard Bleu 27", "renardbleu27", "RENARD-BLEU-27", " renard – bleu—27 "]


def _login(client, pupil, pseudonym, secret=PUPIL_SECRET):
    return client.post(
        PUPIL_LOGIN_URL,
        {"class_code": pupil.classroom.join_code, "pseudonym": pseudonym, "secret": secret},
    )


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_pupil_login_accepts_any_case_spaces_or_dashes(client, cast, spelling):
    response = _login(client, cast.pupil, spelling)
    assert response.status_code == 302, spelling
    assert int(client.session["_auth_user_id"]) == cast.pupil.user_id


def test_canonical_form_drops_spaces_and_dashes():
    assert {pseudonym_canonical(spelling) for spelling in SPELLINGS} == {"renardbleu27"}


def test_failures_under_other_spellings_count_against_one_lockout(client, cast):
    for attempt in range(LIMIT):
        _login(client, cast.pupil, SPELLINGS[attempt % len(SPELLINGS)], secret="pomme-poire-11")
    assert AccessAttempt.objects.count() == 1
    response = _login(client, cast.pupil, "Renard-Bleu-27")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pupils_differing_only_by_dashes_cannot_share_a_class(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        pupil_create(classroom=cast.classroom, pseudonym="Renard Bleu 27")
    with pytest.raises(IntegrityError), transaction.atomic():
        pupil_create(classroom=cast.classroom, pseudonym="RenardBleu27")
    other = pupil_create(classroom=cast.other_classroom, pseudonym="RenardBleu27")
    assert other.pseudonym_key == cast.pupil.pseudonym_key


def test_rename_refuses_a_classmate_s_name_without_dashes(teacher_client, cast):
    other = pupil_create(classroom=cast.classroom, pseudonym="Castor-Malin-7")
    url = reverse("school:pupil_rename", args=[cast.classroom.pk, cast.pupil.user_id])
    response = teacher_client.post(url, {"pseudonym": "castor malin 7"})
    assert response.status_code == 200
    assert (
        escape(services.SchoolError(services.PSEUDONYM_TAKEN).message) in response.content.decode()
    )
    cast.pupil.refresh_from_db()
    assert cast.pupil.pseudonym == "Renard-Bleu-27"
    assert other.pseudonym == "Castor-Malin-7"


def test_migration_0009_recomputes_keys_and_renames_the_later_twin(db):
    migration = import_module("school.migrations.0009_pseudonym_key_without_separators")
    classroom, elsewhere = classroom_create(), classroom_create()
    # Rows as the previous canonical form stored them (dashes kept, spaces collapsed): created
    # under other names, since save() now computes the new key.
    rows = [
        (classroom, "Ours-Corail-77", "ours-corail-77"),
        (classroom, "Ours Corail 77", "ours corail 77"),  # the later twin
        (classroom, "Ours-Corail-772", "ours-corail-772"),  # the twin's "-2" form is taken
        (elsewhere, "Ours Corail 77", "ours corail 77"),  # alone in its class
    ]
    first, twin, taken, alone = pupils = [pupil_create(classroom=c) for c, _, _ in rows]
    for pupil, (_classroom, pseudonym, key) in zip(pupils, rows, strict=True):
        PupilProfile.objects.filter(pk=pupil.pk).update(pseudonym=pseudonym, pseudonym_key=key)

    migration.keys_recompute(django_apps, None)

    rows = {p.pk: (p.pseudonym, p.pseudonym_key) for p in PupilProfile.objects.all()}
    assert rows[first.pk] == ("Ours-Corail-77", "ourscorail77")
    assert rows[taken.pk] == ("Ours-Corail-772", "ourscorail772")
    assert rows[twin.pk] == ("Ours Corail 77-3", "ourscorail773")
    assert rows[alone.pk] == ("Ours Corail 77", "ourscorail77")
    assert all(key == pseudonym_canonical(name) for name, key in rows.values())
