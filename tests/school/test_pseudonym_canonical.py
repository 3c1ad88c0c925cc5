"""One canonical form for pseudonyms (school.pseudonyms.pseudonym_canonical), used by the login,
the lockout counter and the uniqueness in a class: every Unicode variant of a pseudonym is the
same account, counts against one lockout, cannot log in while it is locked, and cannot be taken
by a second pupil of the class. Written as the outsider of issue 19 tried it."""

import unicodedata

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from school import services
from school.models import PupilProfile
from school.pseudonyms import (
    pseudonym_canonical,
    pseudonym_generate,
    pseudonym_looks_like_a_name,
    pseudonym_script_ok,
)

from .factories import PUPIL_SECRET, classroom_create, pupil_create

PUPIL_LOGIN_URL = reverse("school:pupil_login")
JOIN_URL = reverse("school:pupil_join")
LIMIT = settings.AXES_FAILURE_LIMIT
PSEUDONYM = "Ours Corail-77"

# Each letter's look-alikes: case, the long s, the dotless i, fullwidth forms, Cyrillic and
# Greek twins, a combining accent.
TWINS = {
    "o": ["O", "о", "ο", "Ο", "О", "ｏ", "Ｏ", "ò", "o\u0301"],
    "u": ["U", "ｕ", "ù", "u\u0308"],
    "r": ["R", "ｒ", "Ｒ"],
    "s": ["S", "ſ", "ѕ", "ｓ", "Ｓ"],
    "c": ["C", "с", "С", "ｃ", "ç"],
    "a": ["A", "а", "А", "α", "ａ", "à", "a\u0300"],
    "i": ["I", "ı", "і", "ｉ", "î"],
    "l": ["L", "ｌ", "Ｌ"],
    "e": ["E", "е", "Е", "ｅ", "é"],
    "7": ["７"],
    "-": ["－"],
}
VARIANTS = [
    "OURS CORAIL-77",
    "OURſ Corail-77",
    "Ours Coraıl-77",
    "Ｏｕｒｓ Ｃｏｒａｉｌ－７７",
    "Оurs Cоrаil-77",  # Cyrillic О, о, а
    "Οurs Corail-77",  # Greek Ο
    "Ou\u0301rs Corail-77",  # combining acute accent
    "  ours   corail-77 ",
    "Ours Сorail-77",  # Cyrillic С
]


def _variant(draw_choices, base: str) -> str:
    return "".join(draw_choices(ch) for ch in base)


@st.composite
def variants(draw, base: str = PSEUDONYM):
    def choose(ch):
        options = [ch, *TWINS.get(ch.lower(), [])]
        picked = draw(st.sampled_from(options))
        if ch == " ":
            picked = " " * draw(st.integers(1, 3))
        return picked

    return draw(st.sampled_from(["", " "])) + _variant(choose, base)


@given(variants())
def test_every_variant_has_the_pseudonym_canonical_form(variant):
    assert pseudonym_canonical(variant) == pseudonym_canonical(PSEUDONYM)


@given(st.text(max_size=40))
def test_canonical_form_is_idempotent(value):
    once = pseudonym_canonical(value)
    assert pseudonym_canonical(once) == once


def test_generated_pseudonyms_pass_every_check():
    for _ in range(200):
        pseudonym = pseudonym_generate()
        assert services._pseudonym_clean(pseudonym) == pseudonym
        assert pseudonym_script_ok(pseudonym) and not pseudonym_looks_like_a_name(pseudonym)


@pytest.mark.parametrize(
    "value",
    ["Rеnard-Bleu-27", "Aıgle-Blanc-50", "Οurs-Corail-77", "Лиса-12", "狐狸-12", "Renard-٣٣"],
)
def test_pseudonym_clean_refuses_other_scripts_and_look_alikes(value):
    with pytest.raises(services.SchoolError) as refused:
        services._pseudonym_clean(value)
    assert refused.value.code in {services.PSEUDONYM_SCRIPT, services.PSEUDONYM_INVALID}


@pytest.mark.parametrize("value", ["Jean Dupont", "Léa Martin", "jean-dupont", "Lucas", "Zoé B"])
def test_pseudonym_clean_refuses_what_reads_as_a_real_name(value):
    with pytest.raises(services.SchoolError) as refused:
        services._pseudonym_clean(value)
    assert refused.value.code == services.PSEUDONYM_REAL_NAME


@pytest.mark.parametrize("value", ["Zèbre-Œil-12", "Castor malin 3", "Panda-Rose-42", "Ｒenard-7"])
def test_pseudonym_clean_accepts_latin_pseudonyms_with_a_number(value):
    assert services._pseudonym_clean(value) == unicodedata.normalize("NFKC", value)


def _fail(client, pseudonym, *, secret="mauvais-code-00"):  # noqa: S107
    code = PupilProfile.objects.get().classroom.join_code
    return client.post(
        PUPIL_LOGIN_URL, {"class_code": code, "pseudonym": pseudonym, "secret": secret}
    )


@pytest.fixture
def pupil(db):
    return pupil_create(classroom=classroom_create(), pseudonym=PSEUDONYM)


def test_every_variant_logs_the_pupil_in(client, pupil):
    for variant in VARIANTS:
        client.logout()
        response = _fail(client, variant, secret=PUPIL_SECRET)
        assert response.status_code == 302, variant
        assert int(client.session["_auth_user_id"]) == pupil.user_id


def test_variants_count_against_one_lockout_and_cannot_log_in_while_locked(client, pupil):
    for variant in VARIANTS[:LIMIT]:
        _fail(client, variant)
    for variant in [PSEUDONYM, *VARIANTS]:
        response = _fail(client, variant, secret=PUPIL_SECRET)
        assert response.status_code == 429, variant
        assert "_auth_user_id" not in client.session


@given(st.lists(variants(), min_size=LIMIT, max_size=LIMIT))
def test_any_variants_count_against_one_counter(variants_tried):
    from django.test import RequestFactory

    from school.backends import axes_username

    keys = {
        axes_username(RequestFactory().post("/"), {"class_code": "K7PM2X", "pseudonym": variant})
        for variant in variants_tried
    }
    assert len(keys) == 1


def test_variant_cannot_shadow_the_pupil_by_a_rename(pupil):
    """Pupils who join get generated pseudonyms; a rename is the one way to pick a name, and
    no variant of a classmate's is free."""
    classroom = pupil.classroom
    other = pupil_create(classroom=classroom, pseudonym="Lynx-Rose-12")
    for variant in VARIANTS:
        with pytest.raises(services.SchoolError):
            services.pupil_rename(pupil=other, pseudonym=variant)
        other.refresh_from_db()
        assert other.pseudonym == "Lynx-Rose-12", variant


def test_database_refuses_a_variant_in_the_same_class(pupil):
    """The constraint holds even for code that skips the services' checks."""
    for variant in VARIANTS:
        with pytest.raises(IntegrityError), transaction.atomic():
            pupil_create(classroom=pupil.classroom, pseudonym=variant)
    other = pupil_create(classroom=classroom_create(), pseudonym=VARIANTS[1])
    assert other.pseudonym_key == pupil.pseudonym_key


def test_the_key_follows_a_rename(pupil):
    pupil.pseudonym = "Lynx-Rose-12"
    pupil.save(update_fields=["pseudonym"])
    pupil.refresh_from_db()
    assert pupil.pseudonym_key == "lynxrose12"
