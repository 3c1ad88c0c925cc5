"""Consultations: creation and its validation, opening and closing by hand and on schedule,
permissions, and the reads (participation, results, procès-verbal) with their publication
rules."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from classroom_votes import components, tallies
from classroom_votes.consultations import permissions, selectors, services
from classroom_votes.models import (
    Consultation,
    ConsultationClassroom,
    ConsultationOption,
    ConsultationSource,
    ConsultationStatus,
    Participation,
    Tally,
)
from classroom_votes.tallies import GRADES, VotingMethod
from classroom_votes.tasks import consultations_apply_schedule
from school.services import classroom_archive, pupils_erase
from tests.school.factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    school_create,
    teacher_create,
)

from ..factories import (
    CANDIDATES,
    SOURCES,
    ballots_cast,
    consultation_create,
    pupils_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return teacher_create(school=school_create(name="Lycée Condorcet"))


@pytest.fixture
def classroom(teacher):
    return classroom_create(teacher=teacher, name="1re B")


def _create(owner, classrooms, **overrides):
    arguments = {
        "owner": owner,
        "classrooms": classrooms,
        "title": "Faut-il une heure de vie de classe par semaine ?",
        "context": "Débat proposé par les délégués.",
        "method": VotingMethod.YES_NO,
        "options": [],
        "sources": SOURCES,
        **overrides,
    }
    return services.consultation_create(**arguments)


# --- Creation ---------------------------------------------------------------------------------


def test_consultation_create_stores_everything_as_a_draft(teacher, classroom):
    other = classroom_create(teacher=teacher, name="1re C")
    consultation = _create(
        teacher,
        [classroom, other, classroom],
        method=VotingMethod.MAJORITY_JUDGMENT,
        options=CANDIDATES,
        title="  Qui pour représenter la classe ?  ",
    )
    assert consultation.status == ConsultationStatus.DRAFT
    assert consultation.title == "Qui pour représenter la classe ?"
    assert consultation.owner == teacher
    assert set(consultation.classrooms.all()) == {classroom, other}
    assert consultation.option_keys() == ("alice", "bruno", "chloe")
    assert list(ConsultationOption.objects.values_list("position", flat=True)) == [0, 1, 2]
    assert ConsultationOption.objects.get(key="alice").description == "Déléguée sortante"
    assert list(
        ConsultationSource.objects.values_list("panel", flat=True).order_by("position")
    ) == [
        "medias",
        "pour",
        "contre",
    ]
    # Every counter of both classes exists at zero, and tallies accepts them all.
    expected_keys = {"ballots"} | {f"{o['key']}:{g}" for o in CANDIDATES for g in GRADES}
    for room in (classroom, other):
        counters = dict(
            Tally.objects.filter(consultation=consultation, classroom=room).values_list(
                "key", "count"
            )
        )
        assert set(counters) == expected_keys
        assert set(counters.values()) == {0}
        tallies.tally_check(
            method=consultation.method, options=consultation.option_keys(), counts=counters
        )


@pytest.mark.parametrize(
    ("method", "options", "keys"),
    [
        (VotingMethod.YES_NO, [], {"pour", "contre", "blanc"}),
        (VotingMethod.SCALE5, [], set(tallies.SCALE5_LEVELS)),
        (VotingMethod.SINGLE, CANDIDATES, {"alice", "bruno", "chloe", "blanc"}),
        (VotingMethod.RANKED, CANDIDATES, {"alice", "bruno", "chloe", "blanc"}),
        (VotingMethod.APPROVAL, CANDIDATES, {"alice", "bruno", "chloe", "blanc", "ballots"}),
    ],
)
def test_consultation_create_zeroes_every_counter(method, options, keys, teacher, classroom):
    consultation = _create(teacher, [classroom], method=method, options=options)
    assert set(Tally.objects.filter(consultation=consultation).values_list("key", flat=True)) == (
        keys
    )


def test_consultation_create_by_admin_in_any_class(classroom):
    admin = admin_create()
    assert _create(admin, [classroom]).owner == admin


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"classrooms": []}, components.NO_CLASSROOM),
        ({"title": "   "}, services.CONSULTATION_TITLE_INVALID),
        ({"title": "x" * 301}, services.CONSULTATION_TITLE_INVALID),
        ({"title": None}, services.CONSULTATION_TITLE_INVALID),
        ({"context": "x" * 5001}, services.CONSULTATION_CONTEXT_INVALID),
        ({"method": "borda"}, services.CONSULTATION_METHOD_INVALID),
        ({"second_round": True}, services.CONSULTATION_SECOND_ROUND_SINGLE_ONLY),
        ({"options": [{"key": "pour", "label": "Pour"}]}, tallies.OPTIONS_FIXED),
        ({"method": VotingMethod.SINGLE, "options": []}, tallies.OPTIONS_COUNT),
        (
            {"method": VotingMethod.SINGLE, "options": [{"key": "blanc", "label": "Blanc"}]},
            tallies.OPTIONS_KEY_INVALID,
        ),
        (
            {"method": VotingMethod.SINGLE, "options": [{"key": "é t é", "label": "Été"}]},
            tallies.OPTIONS_KEY_INVALID,
        ),
        (
            {"method": VotingMethod.SINGLE, "options": [CANDIDATES[0], CANDIDATES[0]]},
            tallies.OPTIONS_DUPLICATE,
        ),
        (
            {"method": VotingMethod.SINGLE, "options": [{"key": "a", "label": ""}]},
            services.CONSULTATION_OPTION_INVALID,
        ),
        (
            {"method": VotingMethod.SINGLE, "options": [{"key": "a", "label": "A", "x": 1}]},
            services.CONSULTATION_OPTION_INVALID,
        ),
        (
            {"method": VotingMethod.SINGLE, "options": "alice,bruno"},
            services.CONSULTATION_OPTION_INVALID,
        ),
        ({"sources": [{"panel": "medias", "title": "Art."}]}, services.SOURCE_URL_REQUIRED),
        (
            {"sources": [{"panel": "pour", "title": "A", "url": "javascript:alert(1)"}]},
            services.SOURCE_URL_INVALID,
        ),
        ({"sources": [{"panel": "autre", "title": "A"}]}, services.SOURCE_INVALID),
        ({"sources": [{"panel": "pour", "title": ""}]}, services.SOURCE_INVALID),
        ({"sources": [SOURCES[1]] * 31}, services.SOURCES_TOO_MANY),
        ({"min_ballots": 0}, services.CONSULTATION_MIN_BALLOTS_INVALID),
        ({"min_ballots": True}, services.CONSULTATION_MIN_BALLOTS_INVALID),
        ({"min_ballots": "5"}, services.CONSULTATION_MIN_BALLOTS_INVALID),
        ({"results_visibility": "always"}, services.CONSULTATION_VISIBILITY_INVALID),
        (
            {
                "opens_at": timezone.now() + timedelta(days=2),
                "closes_at": timezone.now() + timedelta(days=1),
            },
            services.CONSULTATION_DATES_ORDER,
        ),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, services.CONSULTATION_DATES_PAST),
    ],
)
def test_consultation_create_rejects_invalid_input(overrides, code, teacher, classroom):
    with pytest.raises(services.ConsultationError) as caught:
        _create(teacher, **{"classrooms": [classroom], **overrides})
    assert caught.value.code == code
    assert caught.value.message
    assert not Consultation.objects.exists()
    assert not Tally.objects.exists()


def test_consultation_create_only_in_classes_the_owner_teaches(teacher, classroom):
    foreign = classroom_create()  # another teacher's
    with pytest.raises(services.ConsultationError) as caught:
        _create(teacher, [classroom, foreign])
    assert caught.value.code == components.CLASSROOM_NOT_MANAGED
    for user in (editor_create(), pupil_create(classroom=classroom).user):
        with pytest.raises(services.ConsultationError) as caught:
            _create(user, [classroom])
        assert caught.value.code == services.CONSULTATION_NOT_ALLOWED
    assert not Consultation.objects.exists()


def test_consultation_create_refuses_archived_class(teacher, classroom):
    classroom_archive(classroom=classroom)
    with pytest.raises(services.ConsultationError) as caught:
        _create(teacher, [classroom])
    assert caught.value.code == components.CLASSROOM_ARCHIVED


# --- Opening and closing ----------------------------------------------------------------------


def test_consultation_open_then_close(teacher, classroom):
    consultation = _create(teacher, [classroom])
    opened = services.consultation_open(consultation=consultation, by=teacher)
    assert opened.status == ConsultationStatus.OPEN and opened.opened_at is not None
    with pytest.raises(services.ConsultationError) as caught:
        services.consultation_open(consultation=consultation, by=teacher)
    assert caught.value.code == services.CONSULTATION_ALREADY_OPEN

    closed = services.consultation_close(consultation=consultation, by=teacher)
    assert closed.status == ConsultationStatus.CLOSED
    assert closed.closed_at >= closed.opened_at
    for action in (services.consultation_close, services.consultation_open):
        with pytest.raises(services.ConsultationError) as caught:
            action(consultation=consultation, by=teacher)
        assert caught.value.code == services.CONSULTATION_CLOSED


def test_consultation_close_refuses_draft(teacher, classroom):
    consultation = _create(teacher, [classroom])
    with pytest.raises(services.ConsultationError) as caught:
        services.consultation_close(consultation=consultation, by=teacher)
    assert caught.value.code == services.CONSULTATION_NOT_OPEN
    assert Consultation.objects.get().status == ConsultationStatus.DRAFT


def test_consultation_open_and_close_by_hand_bring_the_schedule_forward(teacher, classroom):
    now = timezone.now()
    consultation = _create(
        teacher,
        [classroom],
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=2),
    )
    opened = services.consultation_open(consultation=consultation, by=teacher)
    assert opened.opens_at == opened.opened_at
    closed = services.consultation_close(consultation=consultation, by=teacher)
    assert closed.closes_at == closed.closed_at


def test_consultation_open_refuses_when_closing_time_has_passed(teacher, classroom):
    consultation = _create(teacher, [classroom], closes_at=timezone.now() + timedelta(hours=1))
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(services.ConsultationError) as caught:
        services.consultation_open(consultation=consultation, by=teacher)
    assert caught.value.code == services.CONSULTATION_DATES_PAST


def test_consultation_managed_by_owner_admin_or_teacher_of_every_class(teacher, classroom):
    other = classroom_create(teacher=teacher, name="1re D")
    consultation = _create(teacher, [classroom, other])
    colleague = teacher_create()
    classroom.teachers.add(colleague)
    # Teaches one of the two classes only.
    with pytest.raises(services.ConsultationError) as caught:
        services.consultation_open(consultation=consultation, by=colleague)
    assert caught.value.code == services.CONSULTATION_NOT_ALLOWED
    for user in (teacher_create(), pupil_create(classroom=classroom).user, editor_create()):
        with pytest.raises(services.ConsultationError):
            services.consultation_open(consultation=consultation, by=user)
    other.teachers.add(colleague)
    services.consultation_open(consultation=consultation, by=colleague)
    services.consultation_close(consultation=consultation, by=admin_create())


def test_consultation_close_records_inscrits(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    pupils_create(classroom=classroom, count=4)
    services.consultation_close(consultation=consultation, by=teacher)
    pupils_create(classroom=classroom, count=2, prefix="Retard")
    link = ConsultationClassroom.objects.get()
    assert link.registered_count == 4
    [line] = selectors.consultation_participation(consultation=consultation)
    assert line.inscrits == 4


# --- Schedule ---------------------------------------------------------------------------------


def test_schedule_task_opens_and_closes_on_time(teacher, classroom):
    now = timezone.now()
    due = _create(teacher, [classroom], opens_at=now - timedelta(minutes=1))
    later = _create(teacher, [classroom], opens_at=now + timedelta(hours=1))
    unscheduled = _create(teacher, [classroom])
    ending = consultation_create(
        owner=teacher, classrooms=[classroom], closes_at=now + timedelta(hours=1)
    )
    Consultation.objects.filter(pk=ending.pk).update(closes_at=now - timedelta(seconds=1))
    missed = _create(
        teacher,
        [classroom],
        opens_at=now + timedelta(minutes=1),
        closes_at=now + timedelta(minutes=2),
    )
    Consultation.objects.filter(pk=missed.pk).update(
        opens_at=now - timedelta(hours=2), closes_at=now - timedelta(hours=1)
    )

    assert consultations_apply_schedule() == {"opened": [due.pk], "closed": [ending.pk]}

    status = dict(Consultation.objects.values_list("pk", "status"))
    assert status[due.pk] == ConsultationStatus.OPEN
    assert status[ending.pk] == ConsultationStatus.CLOSED
    # Not yet, never scheduled, or a window missed entirely: left for the teacher.
    for untouched in (later, unscheduled, missed):
        assert status[untouched.pk] == ConsultationStatus.DRAFT
    # Idempotent, through Celery (eager in tests) as beat runs it.
    assert consultations_apply_schedule.delay().get() == {"opened": [], "closed": []}


def test_schedule_runs_the_whole_window(teacher, classroom):
    now = timezone.now()
    consultation = _create(
        teacher,
        [classroom],
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(hours=2),
    )
    assert services.consultations_apply_schedule(now=now) == ([], [])
    assert services.consultations_apply_schedule(now=now + timedelta(hours=1)) == (
        [consultation.pk],
        [],
    )
    assert services.consultations_apply_schedule(now=now + timedelta(hours=2)) == (
        [],
        [consultation.pk],
    )
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED
    assert consultation.opened_at == now + timedelta(hours=1)
    assert consultation.closed_at == now + timedelta(hours=2)


# --- Permissions ------------------------------------------------------------------------------


def test_permissions_by_role(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    pupil = pupil_create(classroom=classroom).user
    colleague = teacher_create()
    classroom.teachers.add(colleague)
    outsider_teacher = teacher_create()
    outsider_pupil = pupil_create(classroom=classroom_create()).user
    admin, editor = admin_create(), editor_create()

    expected = {
        # user: (create, manage, view, vote, participation, results)
        "owner": (teacher, (True, True, True, False, True, True)),
        "colleague": (colleague, (True, True, True, False, True, True)),
        "admin": (admin, (True, True, True, False, True, True)),
        "pupil": (pupil, (False, False, True, True, False, True)),
        "outsider_teacher": (outsider_teacher, (True, False, False, False, False, False)),
        "outsider_pupil": (outsider_pupil, (False, False, False, False, False, False)),
        "editor": (editor, (False, False, False, False, False, False)),
    }
    for name, (user, answers) in expected.items():
        got = (
            permissions.can_create_consultation(user),
            permissions.can_manage_consultation(user, consultation),
            permissions.can_view_consultation(user, consultation),
            permissions.can_vote(user, consultation),
            permissions.can_view_participation(user, consultation),
            permissions.can_view_results(user, consultation),
        )
        assert got == answers, name

    services.ballot_check_and_cast(
        user=pupil, consultation_id=consultation.pk, content={"choice": "pour"}
    )
    assert not permissions.can_vote(pupil, consultation)  # once only


def test_pupils_do_not_see_drafts(teacher, classroom):
    draft = consultation_create(
        owner=teacher, classrooms=[classroom], status=ConsultationStatus.DRAFT
    )
    pupil = pupil_create(classroom=classroom).user
    assert not permissions.can_view_consultation(pupil, draft)
    assert not permissions.can_vote(pupil, draft)
    assert not permissions.can_view_results(teacher, draft)
    assert list(selectors.consultations_visible_to(user=pupil)) == []
    assert list(selectors.consultations_visible_to(user=teacher)) == [draft]
    services.consultation_open(consultation=draft, by=teacher)
    assert list(selectors.consultations_visible_to(user=pupil)) == [draft]
    assert list(selectors.consultations_visible_to(user=teacher_create())) == []


# --- Participation ----------------------------------------------------------------------------


def test_participation_shows_who_voted_never_what(teacher, classroom, django_assert_num_queries):
    other = classroom_create(teacher=teacher, name="1re A")
    consultation = consultation_create(owner=teacher, classrooms=[classroom, other])
    names = ["zébu-3", "Antilope-7", "castor-1", "Blaireau-2"]
    voters = [pupil_create(classroom=classroom, pseudonym=name).user for name in names]
    pupil_create(classroom=classroom, pseudonym="Abstention-9")
    ballots_cast(
        consultation=consultation,
        voters=voters,
        contents=[{"choice": c} for c in ("pour", "contre", "blanc", "pour")],
    )

    with django_assert_num_queries(2):
        lines = selectors.consultation_participation(consultation=consultation)

    by_class = {line.classroom: line for line in lines}
    assert by_class[classroom].inscrits == 5
    assert by_class[classroom].votants == 4
    assert by_class[classroom].voters == ("Antilope-7", "Blaireau-2", "castor-1", "zébu-3")
    assert (by_class[other].inscrits, by_class[other].votants, by_class[other].voters) == (0, 0, ())
    # Who, and nothing else: no field could carry a choice.
    assert set(type(lines[0]).__dataclass_fields__) == {
        "classroom",
        "inscrits",
        "votants",
        "voters",
        "voters_hidden",
    }
    assert not any(choice in repr(lines) for choice in ("'pour'", "'contre'", "'blanc'", "choice"))


def test_participation_query_count_does_not_grow_with_the_class(
    teacher, classroom, django_assert_num_queries
):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    for size in (2, 12):
        voters = pupils_create(classroom=classroom, count=size, prefix=f"Taille{size}")
        ballots_cast(consultation=consultation, voters=voters, contents=[{"choice": "pour"}] * size)
        with django_assert_num_queries(2):
            selectors.consultation_participation(consultation=consultation)


def test_erased_voter_still_counts_but_has_no_name(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    voters = pupils_create(classroom=classroom, count=2)
    ballots_cast(consultation=consultation, voters=voters, contents=[{"choice": "pour"}] * 2)
    pupils_erase(user_ids={voters[0].pk})
    assert not Participation.objects.filter(user_id=voters[0].pk).exists()
    [line] = selectors.consultation_participation(consultation=consultation)
    assert line.votants == 2
    assert line.voters == (voters[1].pupil.pseudonym,)
    assert selectors.consultation_invariant(consultation=consultation) == (2, 2, 2)


# --- Results ----------------------------------------------------------------------------------


def _vote(consultation, classroom, contents, prefix="V"):
    voters = pupils_create(classroom=classroom, count=len(contents), prefix=prefix)
    ballots_cast(consultation=consultation, voters=voters, contents=contents)


def test_results_hidden_until_close(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    _vote(consultation, classroom, [{"choice": "pour"}] * 6)
    results = selectors.consultation_results(consultation=consultation)
    assert (results.published, results.reason, results.result) == (
        False,
        selectors.RESULTS_NOT_CLOSED,
        None,
    )
    # Nothing counted while the ballots wait sealed (fewer than 2k in the class).
    assert results.ballots == 0 and results.message
    services.consultation_close(consultation=consultation, by=teacher)
    results = selectors.consultation_results(consultation=consultation)
    assert results.published and results.reason == ""
    assert results.result.winner == "pour"
    assert results.result.votants == 6


def test_results_live_shown_while_open(teacher, classroom):
    consultation = consultation_create(
        owner=teacher, classrooms=[classroom], results_visibility="live"
    )
    _vote(consultation, classroom, [{"choice": "contre"}] * 10)
    assert not selectors.consultation_results(consultation=consultation).published
    services.ballots_mix(consultation_id=consultation.pk)  # beat, every few seconds
    results = selectors.consultation_results(consultation=consultation)
    assert results.published and results.result.winner == "contre"
    assert results.ballots == 5, "a batch, k waiting with the next ballots"


def test_results_live_hidden_in_draft(teacher, classroom):
    consultation = consultation_create(
        owner=teacher,
        classrooms=[classroom],
        results_visibility="live",
        status=ConsultationStatus.DRAFT,
    )
    assert selectors.consultation_results(consultation=consultation).reason == (
        selectors.RESULTS_NOT_CLOSED
    )


def test_results_hidden_below_min_ballots(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom], min_ballots=5)
    _vote(consultation, classroom, [{"choice": "pour"}] * 4)
    services.consultation_close(consultation=consultation, by=teacher)
    results = selectors.consultation_results(consultation=consultation)
    assert (results.published, results.reason, results.ballots) == (
        False,
        selectors.RESULTS_TOO_FEW_BALLOTS,
        4,
    )
    assert results.result is None


def test_results_per_class_hidden_when_any_class_is_small(teacher, classroom):
    """Class B's 2 ballots would be total - class A: per-class results wait for every class."""
    small = classroom_create(teacher=teacher, name="1re Z")
    consultation = consultation_create(owner=teacher, classrooms=[classroom, small])
    _vote(consultation, classroom, [{"choice": "pour"}] * 5, prefix="A")
    _vote(consultation, small, [{"choice": "contre"}] * 2, prefix="B")
    services.consultation_close(consultation=consultation, by=teacher)

    # The small class's ballots stay sealed, counted in the whole only.
    whole = selectors.consultation_results(consultation=consultation)
    assert whole.published and whole.ballots == 7
    assert whole.result.rows[1].key == "contre" and whole.result.rows[1].count == 2
    assert selectors.consultation_results(consultation=consultation, classroom=small).reason == (
        selectors.RESULTS_TOO_FEW_BALLOTS
    )
    big = selectors.consultation_results(consultation=consultation, classroom=classroom)
    assert (big.published, big.reason, big.ballots) == (
        False,
        selectors.RESULTS_CLASS_TOO_FEW_BALLOTS,
        5,
    )


def test_results_per_class_when_every_class_is_large_enough(teacher, classroom):
    other = classroom_create(teacher=teacher, name="1re Y")
    consultation = consultation_create(owner=teacher, classrooms=[classroom, other])
    _vote(consultation, classroom, [{"choice": "pour"}] * 6, prefix="A")
    _vote(consultation, other, [{"choice": "contre"}] * 5, prefix="B")
    services.consultation_close(consultation=consultation, by=teacher)
    first = selectors.consultation_results(consultation=consultation, classroom=classroom)
    second = selectors.consultation_results(consultation=consultation, classroom=other)
    assert (first.result.winner, first.result.votants) == ("pour", 6)
    assert (second.result.winner, second.result.votants) == ("contre", 5)
    assert selectors.consultation_results(consultation=consultation).result.votants == 11


def test_results_ranked_choice_reads_the_urne(teacher, classroom, django_assert_num_queries):
    consultation = consultation_create(
        owner=teacher, classrooms=[classroom], method=VotingMethod.RANKED
    )
    rankings = [
        ["alice", "bruno"],
        ["alice"],
        ["bruno", "alice"],
        ["chloe", "bruno"],
        ["chloe", "bruno"],
    ]
    _vote(consultation, classroom, [{"ranking": r} for r in rankings])
    services.consultation_close(consultation=consultation, by=teacher)
    consultation = Consultation.objects.get(pk=consultation.pk)
    # Counters, the ballots left sealed (none: five is a batch), options, ballots.
    with django_assert_num_queries(4):
        results = selectors.consultation_results(consultation=consultation)
    expected = tallies.result_ranked(
        options=("alice", "bruno", "chloe"), ballots=[{"ranking": r} for r in rankings]
    )
    assert results.result == expected
    # Bruno goes out first; his ballot goes to Alice, who then has 3 of 5.
    assert results.result.winner == "alice"


@pytest.mark.parametrize(
    ("method", "contents"),
    [
        (VotingMethod.SCALE5, [{"choice": c} for c in ("waouh", "cool", "cool", "bof", "beurk")]),
        (
            VotingMethod.SINGLE,
            [{"choice": c} for c in ("alice", "bruno", "bruno", "blanc", "chloe")],
        ),
        (
            VotingMethod.APPROVAL,
            [{"approved": a} for a in (["alice"], ["alice", "bruno"], [], ["chloe"], ["bruno"])],
        ),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            [
                {"grades": {"alice": a, "bruno": b, "chloe": c}}
                for a, b, c in (
                    ("bien", "passable", "excellent"),
                    ("tres_bien", "a_rejeter", "insuffisant"),
                    ("assez_bien", "bien", "bien"),
                    ("passable", "bien", "tres_bien"),
                    ("insuffisant", "excellent", "assez_bien"),
                )
            ],
        ),
    ],
)
@pytest.mark.parametrize("batch", [5, 50], ids=["mixed", "kept-sealed"])
def test_results_match_tallies_over_the_same_ballots(
    method, contents, batch, teacher, classroom, settings
):
    """Counted from the counters once mixed, or in memory when the class stays sealed."""
    settings.HEMICYCLE_BALLOT_BATCH = batch
    consultation = consultation_create(owner=teacher, classrooms=[classroom], method=method)
    _vote(consultation, classroom, contents)
    services.consultation_close(consultation=consultation, by=teacher)
    results = selectors.consultation_results(consultation=consultation)
    assert results.result == tallies.result_compute(
        method=method, options=consultation.option_keys(), ballots=contents
    )


# --- Procès-verbal ----------------------------------------------------------------------------


def test_pv_numbers(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    pupils_create(classroom=classroom, count=2, prefix="Absent")
    _vote(
        consultation,
        classroom,
        [{"choice": c} for c in ("pour", "contre", "pour", "blanc", "pour", "contre", "blanc")],
    )
    services.consultation_close(consultation=consultation, by=teacher)
    pupil_create(classroom=classroom)  # joins after the close: not an inscrit of the vote
    consultation.refresh_from_db()

    pv = selectors.consultation_pv(consultation=consultation, classroom=classroom)

    assert (pv.inscrits, pv.votants, pv.blancs, pv.exprimes) == (9, 7, 2, 5)
    assert [(row.key, row.label, row.count, row.percentage) for row in pv.rows] == [
        ("pour", "Pour", 3, 60.0),
        ("contre", "Contre", 2, 40.0),
    ]
    assert pv.published and pv.result.winner == "pour"
    assert (pv.school_name, pv.school_commune) == ("Lycée Condorcet", "Paris")
    assert pv.school_uai == classroom.school.uai
    assert pv.classroom == classroom
    assert pv.opened_at == consultation.opened_at and pv.closed_at == consultation.closed_at


def test_pv_majority_judgment_gives_mentions(teacher, classroom):
    consultation = consultation_create(
        owner=teacher,
        classrooms=[classroom],
        method=VotingMethod.MAJORITY_JUDGMENT,
    )
    _vote(
        consultation,
        classroom,
        [{"grades": {"alice": "bien", "bruno": "passable", "chloe": "excellent"}}] * 5,
    )
    services.consultation_close(consultation=consultation, by=teacher)
    pv = selectors.consultation_pv(consultation=consultation, classroom=classroom)
    assert [(row.label, row.count, row.mention) for row in pv.rows] == [
        ("Chloé Durand", None, "excellent"),
        ("Alice Martin", None, "bien"),
        ("Bruno Petit", None, "passable"),
    ]


def test_pv_without_counts_below_min_ballots(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    _vote(consultation, classroom, [{"choice": "pour"}] * 2)
    services.consultation_close(consultation=consultation, by=teacher)
    pv = selectors.consultation_pv(consultation=consultation, classroom=classroom)
    assert (pv.inscrits, pv.votants) == (2, 2)
    assert (pv.published, pv.blancs, pv.exprimes, pv.rows) == (False, None, None, ())
    assert pv.reason == selectors.RESULTS_TOO_FEW_BALLOTS


def test_pv_of_a_class_that_did_not_take_part(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    with pytest.raises(ConsultationClassroom.DoesNotExist):
        selectors.consultation_pv(consultation=consultation, classroom=classroom_create())


def test_pupil_data_export_lists_participations_not_choices(teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    [pupil] = pupils_create(classroom=classroom, count=1)
    ballots_cast(consultation=consultation, voters=[pupil], contents=[{"choice": "contre"}])
    exported = selectors.pupil_participations_export(pupil)
    assert exported == [
        {"consultation": consultation.title, "a_vote_le": timezone.localdate().isoformat()}
    ]
    assert "contre" not in repr(exported)


def test_pupil_download_holds_participations_through_the_registry(client, teacher, classroom):
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    [pupil] = pupils_create(classroom=classroom, count=1)
    ballots_cast(consultation=consultation, voters=[pupil], contents=[{"choice": "pour"}])
    client.force_login(pupil)
    data = client.get("/mes-donnees/export.json").json()
    assert data["consultations"] == [
        {"consultation": consultation.title, "a_vote_le": timezone.localdate().isoformat()}
    ]
    assert '"pour"' not in json.dumps(data)
