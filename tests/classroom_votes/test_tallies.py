"""Tallies: hand-computed reference examples per voting method, ballot validation, and properties
that must hold for any ballot box (hypothesis). Pure functions: no database."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classroom_votes import tallies
from classroom_votes.tallies import (
    BALLOT_BLANK_NOT_ALLOWED,
    BALLOT_DUPLICATE_OPTION,
    BALLOT_DUPLICATE_RANK,
    BALLOT_INCOMPLETE_GRADES,
    BALLOT_MALFORMED,
    BALLOT_UNKNOWN_GRADE,
    BALLOT_UNKNOWN_METHOD,
    BALLOT_UNKNOWN_OPTION,
    BALLOT_WRONG_METHOD,
    GRADES,
    METHODS_NEEDING_BALLOTS,
    OPTIONS_COUNT,
    OPTIONS_DUPLICATE,
    OPTIONS_FIXED,
    OPTIONS_KEY_INVALID,
    SCALE5_LEVELS,
    SCALE5_SCORES,
    ApprovalResult,
    BallotInvalid,
    OptionsInvalid,
    TallyInconsistent,
    VotingMethod,
    ballot_validate,
    options_validate,
    result_approval,
    result_compute,
    result_majority_judgment,
    result_ranked,
    result_scale5,
    result_single,
    result_yes_no,
    tally_ballot_total,
    tally_check,
    tally_counts,
    tally_from_ballots,
    tally_merge,
)

PROPERTY = settings(max_examples=80, deadline=None, database=None)
ABC = ["a", "b", "c"]


def ballots_of(content: dict, times: int) -> list[dict]:
    return [content] * times


def rows_by_key(result) -> dict:
    return {row.key: row for row in result.rows}


# --- Yes / no -----------------------------------------------------------------------------------


def test_result_yes_no_excludes_blanks_from_exprimes():
    result = result_yes_no(counts={"pour": 5, "contre": 3, "blanc": 2})

    assert (result.votants, result.blancs, result.exprimes) == (10, 2, 8)
    assert [(row.key, row.count, row.percentage, row.rank) for row in result.rows] == [
        ("pour", 5, 62.5, 1),
        ("contre", 3, 37.5, 2),
    ]
    assert (result.winner, result.tie, result.tied) == ("pour", False, ())


def test_result_yes_no_reports_tie():
    result = result_yes_no(counts={"pour": 3, "contre": 3, "blanc": 1})

    assert (result.winner, result.tie, result.tied) == (None, True, ("pour", "contre"))


@pytest.mark.parametrize("counts", [{}, {"blanc": 4}])
def test_result_yes_no_designates_nobody_without_exprimes(counts):
    result = result_yes_no(counts=counts)

    assert result.exprimes == 0
    assert (result.winner, result.tie) == (None, False)
    assert [row.percentage for row in result.rows] == [0.0, 0.0]


# --- Five-level scale ---------------------------------------------------------------------------


def test_result_scale5_median_average_and_shares():
    result = result_scale5(counts={"waouh": 3, "cool": 4, "neutre": 2, "bof": 1})

    assert [(row.key, row.count, row.percentage) for row in result.rows] == [
        ("waouh", 3, 30.0),
        ("cool", 4, 40.0),
        ("neutre", 2, 20.0),
        ("bof", 1, 10.0),
        ("beurk", 0, 0.0),
    ]
    # Sorted best first, the 6th of 10 ballots is "cool"; (3*2 + 4*1 + 0 - 1) / 10 = 0.9.
    assert (result.median, result.winner, result.average) == ("cool", "cool", 0.9)
    assert (result.blancs, result.exprimes) == (0, 10)


def test_result_scale5_even_count_takes_lower_median():
    result = result_scale5(counts={"waouh": 2, "bof": 2})

    assert result.median == "bof"
    assert result.average == 0.5


@pytest.mark.parametrize(
    ("counts", "average"),
    [({"waouh": 1, "neutre": 2}, 0.67), ({"beurk": 1, "neutre": 2}, -0.67), ({"bof": 8}, -1.0)],
)
def test_result_scale5_average_rounds_to_two_decimals(counts, average):
    assert result_scale5(counts=counts).average == average


def test_result_scale5_without_ballots_has_no_median():
    result = result_scale5(counts={})

    assert (result.votants, result.median, result.average, result.winner) == (0, None, None, None)


def test_ballot_validate_scale5_has_no_blank():
    with pytest.raises(BallotInvalid) as error:
        ballot_validate(method=VotingMethod.SCALE5, options=(), content={"choice": "blanc"})

    assert error.value.code == BALLOT_BLANK_NOT_ALLOWED
    assert "Neutre" in error.value.message


# --- Single choice ------------------------------------------------------------------------------


def test_result_single_absolute_majority_of_exprimes_elects_in_first_round():
    # 6 of 13 votants is not half, but blanks are not exprimés: 6 of 10 is.
    result = result_single(
        options=ABC, counts={"a": 6, "b": 3, "c": 1, "blanc": 3}, second_round=True
    )

    assert (result.votants, result.blancs, result.exprimes) == (13, 3, 10)
    assert rows_by_key(result)["a"].percentage == 60.0
    assert result.absolute_majority == 6
    assert (result.winner, result.elected_first_round, result.second_round_between) == (
        "a",
        True,
        None,
    )


def test_result_single_exactly_half_is_not_an_absolute_majority():
    counts = {"a": 5, "b": 3, "c": 2, "blanc": 4}

    with_second_round = result_single(options=ABC, counts=counts, second_round=True)
    without = result_single(options=ABC, counts=counts)

    assert with_second_round.absolute_majority == 6
    assert with_second_round.elected_first_round is False
    assert with_second_round.winner is None
    assert with_second_round.second_round_between == ("a", "b")
    assert (without.winner, without.elected_first_round, without.second_round_between) == (
        "a",
        False,
        None,
    )


def test_result_single_presidential_2022_first_round():
    # Official shares of exprimés (10 April 2022) in hundredths of a percent; blanks made ~1.5 %.
    counts = {
        "macron": 2785,
        "le_pen": 2315,
        "melenchon": 2195,
        "zemmour": 707,
        "pecresse": 478,
        "jadot": 463,
        "lassalle": 313,
        "roussel": 228,
        "dupont_aignan": 206,
        "hidalgo": 175,
        "poutou": 77,
        "arthaud": 56,
        "blanc": 155,
    }
    options = [key for key in counts if key != "blanc"]

    result = result_single(options=options, counts=counts, second_round=True)

    assert (result.votants, result.blancs, result.exprimes) == (10153, 155, 9998)
    assert [row.key for row in result.rows[:3]] == ["macron", "le_pen", "melenchon"]
    assert [row.percentage for row in result.rows[:3]] == [27.9, 23.2, 22.0]
    assert [row.rank for row in result.rows] == list(range(1, 13))
    assert result.elected_first_round is False
    assert result.second_round_between == ("macron", "le_pen")
    assert (result.winner, result.tie) == (None, False)


def test_result_single_tie_for_second_place_leaves_it_to_the_teacher():
    result = result_single(options=ABC, counts={"a": 4, "b": 3, "c": 3}, second_round=True)

    assert result.second_round_between is None
    assert (result.winner, result.tie, result.tied) == (None, True, ("b", "c"))
    assert result.qualified == ("a",)  # a is sure of its place: only the second is open


def test_result_single_three_tied_for_first_leaves_it_to_the_teacher():
    result = result_single(options=ABC, counts={"a": 2, "b": 2, "c": 2}, second_round=True)

    assert result.second_round_between is None
    assert (result.tie, result.tied, result.qualified) == (True, ("a", "b", "c"), ())


def test_result_single_two_tied_for_first_both_go_to_second_round():
    result = result_single(options=ABC, counts={"a": 1, "b": 3, "c": 3}, second_round=True)

    assert result.second_round_between == result.qualified == ("b", "c")
    assert result.tie is False


def test_result_single_relative_majority_tie_has_no_winner():
    result = result_single(options=ABC, counts={"a": 3, "b": 3, "c": 1})

    assert (result.winner, result.tie, result.tied) == (None, True, ("a", "b"))
    assert [row.rank for row in result.rows] == [1, 1, 3]


@pytest.mark.parametrize("counts", [{}, {"blanc": 2}])
def test_result_single_without_exprimes(counts):
    result = result_single(options=ABC, counts=counts, second_round=True)

    assert (result.winner, result.tie, result.second_round_between) == (None, False, None)
    assert result.votants == sum(counts.values())


# --- Approval -----------------------------------------------------------------------------------


def test_result_approval_rates_over_votants_and_exprimes():
    ballots = [
        {"approved": ["c", "a"]},
        {"approved": ["a"]},
        {"approved": ["b", "c"]},
        {"approved": ["c"]},
        {"approved": []},
    ]
    counts = tally_from_ballots(method=VotingMethod.APPROVAL, options=ABC, ballots=ballots)

    result = result_approval(options=ABC, counts=counts)

    assert counts == {"ballots": 5, "blanc": 1, "a": 2, "b": 1, "c": 3}
    assert (result.votants, result.blancs, result.exprimes) == (5, 1, 4)
    assert [(r.key, r.count, r.percentage, r.approval_rate, r.rank) for r in result.rows] == [
        ("c", 3, 75.0, 60.0, 1),
        ("a", 2, 50.0, 40.0, 2),
        ("b", 1, 25.0, 20.0, 3),
    ]
    assert result.winner == "c"


def test_result_approval_tie_and_empty_box():
    tie = result_approval(options=ABC, counts={"ballots": 2, "a": 1, "b": 1})
    empty = result_approval(options=ABC, counts={})

    assert (tie.winner, tie.tie, tie.tied) == (None, True, ("a", "b"))
    assert (empty.votants, empty.winner, empty.tie) == (0, None, False)


# --- Majority judgment --------------------------------------------------------------------------

TENNESSEE = ["memphis", "nashville", "chattanooga", "knoxville"]
# Wikipedia's classic example: each voter group lists the cities from nearest to farthest.
TENNESSEE_VOTERS = [
    (["memphis", "nashville", "chattanooga", "knoxville"], 42),
    (["nashville", "chattanooga", "knoxville", "memphis"], 26),
    (["chattanooga", "knoxville", "nashville", "memphis"], 15),
    (["knoxville", "chattanooga", "nashville", "memphis"], 17),
]


def tennessee_mj_ballots() -> list[dict]:
    # Nearest city excellent, then bien, passable, insuffisant (the example's four grades).
    grades = ["excellent", "bien", "passable", "insuffisant"]
    return [
        {"grades": dict(zip(order, grades, strict=True))}
        for order, voters in TENNESSEE_VOTERS
        for _ in range(voters)
    ]


def test_result_majority_judgment_textbook_tie_broken_by_removing_medians():
    counts = tally_from_ballots(
        method=VotingMethod.MAJORITY_JUDGMENT, options=TENNESSEE, ballots=tennessee_mj_ballots()
    )

    result = result_majority_judgment(options=TENNESSEE, counts=counts)

    rows = [
        (r.key, r.rank, r.majority_grade, r.better_percentage, r.worse_percentage)
        for r in result.rows
    ]
    # Nashville and Chattanooga both get "bien"; removing "bien" grades one at a time, Nashville's
    # median falls to "passable" later (32 worse grades against 42): Nashville wins.
    assert rows == [
        ("nashville", 1, "bien", 26.0, 32.0),
        ("chattanooga", 2, "bien", 15.0, 42.0),
        ("knoxville", 3, "passable", 32.0, 42.0),
        ("memphis", 4, "insuffisant", 42.0, 0.0),
    ]
    assert (result.winner, result.tie, result.tie_break_used) == ("nashville", False, True)
    assert (result.votants, result.blancs, result.exprimes) == (100, 0, 100)
    nashville = result.rows[0]
    assert [(g.grade, g.count, g.percentage) for g in nashville.grades if g.count] == [
        ("excellent", 26, 26.0),
        ("bien", 42, 42.0),
        ("passable", 32, 32.0),
    ]


def test_result_majority_judgment_tie_break_beyond_the_first_removal():
    # Sorted best first, a = E B B B P and b = TB B B B I. Removing medians: B, B, B, then a's
    # remaining pair E P has lower median P and b's TB I has I: a wins at the fourth step.
    a = ["excellent", "bien", "bien", "bien", "passable"]
    b = ["tres_bien", "bien", "bien", "bien", "insuffisant"]
    ballots = [{"grades": {"a": ga, "b": gb}} for ga, gb in zip(a, b, strict=True)]
    counts = tally_from_ballots(
        method=VotingMethod.MAJORITY_JUDGMENT, options=["a", "b"], ballots=ballots
    )

    result = result_majority_judgment(options=["b", "a"], counts=counts)

    assert [(row.key, row.rank, row.majority_grade) for row in result.rows] == [
        ("a", 1, "bien"),
        ("b", 2, "bien"),
    ]
    assert result.winner == "a"


def test_result_majority_judgment_even_count_takes_lower_median():
    counts = {"ballots": 4, "a:excellent": 2, "a:passable": 2, "b:bien": 4}

    result = result_majority_judgment(options=["a", "b"], counts=counts)

    assert rows_by_key(result)["a"].majority_grade == "passable"
    assert result.winner == "b"


def test_result_majority_judgment_identical_grades_tie():
    counts = {"ballots": 3, "a:bien": 2, "a:passable": 1, "b:bien": 2, "b:passable": 1}

    result = result_majority_judgment(options=["a", "b"], counts=counts)

    assert (result.winner, result.tie, result.tied) == (None, True, ("a", "b"))
    assert [row.rank for row in result.rows] == [1, 1]


def test_result_majority_judgment_without_ballots():
    result = result_majority_judgment(options=ABC, counts={})

    assert result.votants == 0
    assert [row.majority_grade for row in result.rows] == [None, None, None]
    assert (result.winner, result.tie) == (None, False)


def test_ballot_validate_majority_judgment_cannot_be_blank():
    with pytest.raises(BallotInvalid) as error:
        ballot_validate(method=VotingMethod.MAJORITY_JUDGMENT, options=ABC, content={"grades": {}})

    assert error.value.code == BALLOT_INCOMPLETE_GRADES


# --- Ranked choice (instant runoff) -------------------------------------------------------------


def ranked(*groups: tuple[list[str], int]) -> list[dict]:
    return [{"ranking": order} for order, voters in groups for _ in range(voters)]


def test_result_ranked_plurality_winner_loses_after_transfers():
    result = result_ranked(options=TENNESSEE, ballots=ranked(*TENNESSEE_VOTERS))

    rounds = [
        ([(row.key, row.count) for row in played.rows], played.eliminated)
        for played in result.rounds
    ]
    assert rounds == [
        (
            [("memphis", 42), ("nashville", 26), ("knoxville", 17), ("chattanooga", 15)],
            ("chattanooga",),
        ),
        ([("memphis", 42), ("knoxville", 32), ("nashville", 26)], ("nashville",)),
        ([("knoxville", 58), ("memphis", 42)], ()),
    ]
    assert result.winner == "knoxville"
    assert [(row.key, row.count, row.percentage, row.rank) for row in result.rows] == [
        ("knoxville", 17, 17.0, 1),
        ("memphis", 42, 42.0, 2),
        ("nashville", 26, 26.0, 3),
        ("chattanooga", 15, 15.0, 4),
    ]
    assert result.rounds[-1].rows[0].percentage == 58.0


def test_result_ranked_majority_is_of_ballots_still_in_play():
    ballots = ranked((["a"], 4), (["b"], 3), (["c"], 2), ([], 2))

    result = result_ranked(options=ABC, ballots=ballots)

    assert (result.votants, result.blancs, result.exprimes) == (11, 2, 9)
    last = result.rounds[-1]
    assert (last.active, last.exhausted) == (7, 2)
    assert result.winner == "a"  # 4 of 7 active ballots, though only 4 of 9 exprimés


def eliminations(result) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each round's (eliminated, tied_for_last)."""
    return [(played.eliminated, played.tied_for_last) for played in result.rounds]


def test_result_ranked_reference_tie_for_last_that_changes_nothing():
    # Options 0-4, one ballot each, best first. First preferences: 0, 1, 2 one each, 3 and 4
    # two each: 0, 1 and 2 tie for last (3 votes together, not fewer than 2). Every order:
    # - 0 out: 1 has 2, 2 alone last goes to 4 (3), then 1 and 3 tie on 2: 1 out gives 4 five
    #   votes; 3 out gives 1 three and 4 four of 7, a majority.
    # - 1 out: 4 has 3; 0 and 2 tie on 1: either goes to 4 (4 of 7).
    # - 2 out: 4 has 3; 1 and 0 tie on 1: 1 out gives 4 four; 0 out gives 1 two, then 1 and 3
    #   tie on 2, and either way 4 ends with a majority as above.
    # 4 wins in every universe: the tie did not change the winner.
    profile = [[1, 4, 0, 2, 3], [0, 1, 4, 2, 3], [4, 0, 1, 3, 2], [4, 3, 2, 0, 1]]
    profile += [[2, 4, 0, 1, 3], [3, 2, 1, 4, 0], [3, 4, 0, 2, 1]]
    options = ["0", "1", "2", "3", "4"]
    ballots = [{"ranking": [str(key) for key in order]} for order in profile]

    result = result_ranked(options=options, ballots=ballots)

    assert (result.winner, result.tie, result.tied, result.exhaustive) == ("4", False, (), True)
    # The rounds shown follow one universe: the first tied option in the options' order goes.
    assert eliminations(result) == [
        (("0",), ("0", "1", "2")),
        (("2",), ()),
        (("1",), ("1", "3")),
        ((), ()),
    ]
    assert [(row.key, row.count) for row in result.rounds[-1].rows] == [("4", 5), ("3", 2)]


def test_result_ranked_tie_for_last_that_changes_the_winner_is_a_tie():
    # d goes first (1 vote). Round 2 ties b and c on 5 (10 together, not fewer than a's 7).
    # b out: c gets b's 4 ballots, 9 against 7 (d's ballot is exhausted). c out: b gets c's 5
    # ballots, 10 against 7. Either may win: the count stops on the tie. (That b had fewer
    # votes in round 1 decides nothing: parallel universes do not look back.)
    ballots = ranked((["a"], 7), (["b", "c"], 4), (["c", "b"], 5), (["d", "b"], 1))

    result = result_ranked(options=["a", "b", "c", "d"], ballots=ballots)

    assert (result.winner, result.tie, result.tied) == (None, True, ("b", "c"))
    assert eliminations(result) == [(("d",), ()), ((), ("b", "c"))]
    assert [(row.key, row.count) for row in result.rounds[1].rows] == [
        ("a", 7),
        ("b", 5),
        ("c", 5),
    ]


def test_result_ranked_tie_names_the_possible_winners_not_the_options_tied_for_last():
    # x and y tie for last on 2 (4 together, not fewer than 3).
    # x out: a has 5, b 3, y 2; y out (its ballots' x is gone: exhausted): a 5 of 8, a wins.
    # y out: x has 4, a and b tie on 3; either out, its ballots exhaust: x 4 of 7 wins.
    ballots = ranked((["a"], 3), (["b"], 3), (["x", "a"], 2), (["y", "x"], 2))

    result = result_ranked(options=["a", "b", "x", "y"], ballots=ballots)

    assert (result.winner, result.tie, result.tied) == (None, True, ("a", "x"))
    assert eliminations(result) == [((), ("x", "y"))]


def test_result_ranked_cycle_of_three_with_equal_first_preferences():
    # a > b > c, b > c > a, c > a > b: whichever goes out first hands its ballot to the next
    # in the cycle, who then has 2 of 3. Each option wins in one universe.
    ballots = ranked((["a", "b", "c"], 1), (["b", "c", "a"], 1), (["c", "a", "b"], 1))

    result = result_ranked(options=ABC, ballots=ballots)

    assert (result.winner, result.tie, result.tied) == (None, True, ("a", "b", "c"))
    assert eliminations(result) == [((), ("a", "b", "c"))]
    assert [row.rank for row in result.rows] == [1, 1, 1]


def test_result_ranked_unanimous():
    result = result_ranked(options=ABC, ballots=ranked((["b", "a", "c"], 5)))

    assert (result.winner, result.tie) == ("b", False)
    assert eliminations(result) == [((), ())]
    assert [(row.key, row.count, row.percentage) for row in result.rounds[0].rows] == [
        ("b", 5, 100.0),
        ("a", 0, 0.0),
        ("c", 0, 0.0),
    ]


def test_result_ranked_single_ballot():
    result = result_ranked(options=ABC, ballots=ranked((["c"], 1)))

    assert (result.votants, result.exprimes, result.winner, result.tie) == (1, 1, "c", False)
    assert len(result.rounds) == 1


def test_result_ranked_partial_rankings_tie_for_last_and_exhausted_ballots():
    # First preferences: d 2, a, b and c one each (3 together, not fewer than 2): a tie.
    # a out (exhausted): b and c tie on 1; b out (exhausted): d 2 of 3 active; c out: d 3.
    # b out (exhausted): a and c tie on 1; a out: d 2 of 3; c out: d 3 of 4.
    # c out: its ballot goes to d, 3 of 5. d wins in every universe, the last shown with 2
    # of 3 active ballots, though only 2 of 5 exprimés.
    ballots = ranked((["c", "d"], 1), (["d", "b"], 1), (["b"], 1), (["a"], 1), (["d", "a"], 1))

    result = result_ranked(options=["a", "b", "c", "d"], ballots=ballots)

    assert (result.winner, result.tie) == ("d", False)
    assert eliminations(result) == [(("a",), ("a", "b", "c")), (("b",), ("b", "c")), ((), ())]
    last = result.rounds[-1]
    assert (last.active, last.exhausted) == (3, 2)
    assert [(row.key, row.count) for row in last.rows] == [("d", 2), ("c", 1)]


def test_result_ranked_unbreakable_tie_for_last_stops_the_count():
    # b out: c has 6 against 4; c out: b has 6. Both can win.
    ballots = ranked((["a"], 4), (["b", "c"], 3), (["c", "b"], 3))

    result = result_ranked(options=ABC, ballots=ballots)

    assert (result.winner, result.tie, result.tied) == (None, True, ("b", "c"))
    assert eliminations(result) == [((), ("b", "c"))]


def test_result_ranked_ten_options_every_universe_explored():
    # Ten ballots, each option first once, the others following in a cycle: every option wins
    # in some universe (the last two standing split the ballots evenly otherwise).
    options = [f"o{n}" for n in range(10)]
    ballots = [{"ranking": options[n:] + options[:n]} for n in range(10)]

    result = result_ranked(options=options, ballots=ballots)

    assert result.exhaustive is True
    assert (result.winner, result.tie, result.tied) == (None, True, tuple(options))


def test_result_ranked_too_many_orders_names_the_possible_winners_found(monkeypatch):
    monkeypatch.setattr(tallies, "IRV_SEARCH_MAX_READS", 10)
    ballots = ranked((["a", "b", "c"], 1), (["b", "c", "a"], 1), (["c", "a", "b"], 1))

    result = result_ranked(options=ABC, ballots=ballots)

    assert result.exhaustive is False
    assert result.tie is True and result.winner is None
    assert result.tied and set(result.tied) <= {"a", "b", "c"}
    assert eliminations(result) == [((), ("a", "b", "c"))]


def test_result_ranked_options_without_votes_go_out_together():
    ballots = ranked((["a"], 2), (["b"], 2), (["c", "a"], 1))

    result = result_ranked(options=["a", "b", "c", "d", "e"], ballots=ballots)

    assert [played.eliminated for played in result.rounds] == [("d", "e"), ("c",), ()]
    assert result.winner == "a"
    assert {row.key: row.rank for row in result.rows} == {"a": 1, "b": 2, "c": 3, "d": 4, "e": 4}


def test_result_ranked_final_tie_between_two():
    result = result_ranked(options=["a", "b"], ballots=ranked((["a"], 2), (["b", "a"], 2)))

    assert (result.winner, result.tie, result.tied) == (None, True, ("a", "b"))


@pytest.mark.parametrize("ballots", [[], [{"ranking": []}] * 3])
def test_result_ranked_without_exprimes(ballots):
    result = result_ranked(options=ABC, ballots=ballots)

    assert (result.votants, result.exprimes, result.rounds) == (len(ballots), 0, ())
    assert (result.winner, result.tie) == (None, False)


# --- Counters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "options", "content", "increments"),
    [
        (VotingMethod.YES_NO, (), {"choice": "pour"}, {"pour": 1}),
        (VotingMethod.YES_NO, (), {"choice": "blanc"}, {"blanc": 1}),
        (VotingMethod.SCALE5, (), {"choice": "bof"}, {"bof": 1}),
        (VotingMethod.SINGLE, ABC, {"choice": "b"}, {"b": 1}),
        (VotingMethod.SINGLE, ABC, {"choice": "blanc"}, {"blanc": 1}),
        (VotingMethod.APPROVAL, ABC, {"approved": ["c", "a"]}, {"ballots": 1, "a": 1, "c": 1}),
        (VotingMethod.APPROVAL, ABC, {"approved": []}, {"ballots": 1, "blanc": 1}),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            ["a", "b"],
            {"grades": {"b": "passable", "a": "excellent"}},
            {"ballots": 1, "a:excellent": 1, "b:passable": 1},
        ),
        (VotingMethod.RANKED, ABC, {"ranking": ["b", "a"]}, {"b": 1}),
        (VotingMethod.RANKED, ABC, {"ranking": []}, {"blanc": 1}),
    ],
)
def test_tally_counts_increments(method, options, content, increments):
    counts = tally_counts(method=method, options=options, content=content)

    assert counts == increments
    assert tally_ballot_total(method=method, counts=counts) == 1


def test_tally_counts_refuses_invalid_ballot():
    with pytest.raises(BallotInvalid):
        tally_counts(method=VotingMethod.SINGLE, options=ABC, content={"choice": "z"})


def test_methods_needing_ballots_is_ranked_only():
    assert frozenset({VotingMethod.RANKED}) == METHODS_NEEDING_BALLOTS
    with pytest.raises(ValueError, match="need the ballots"):
        result_compute(method=VotingMethod.RANKED, options=ABC, counts={"a": 1})


@pytest.mark.parametrize(
    ("method", "options", "counts"),
    [
        (VotingMethod.YES_NO, (), {"peut-etre": 1}),
        (VotingMethod.YES_NO, (), {"pour": -1}),
        (VotingMethod.SCALE5, (), {"blanc": 1}),
        (VotingMethod.SINGLE, ABC, {"z": 1}),
        (VotingMethod.APPROVAL, ABC, {"ballots": 1, "a": 2}),
        (VotingMethod.APPROVAL, ABC, {"ballots": 2, "a": 1}),
        (VotingMethod.MAJORITY_JUDGMENT, ["a", "b"], {"ballots": 1, "a:bien": 1}),
    ],
)
def test_tally_check_rejects_counters_no_ballots_can_produce(method, options, counts):
    with pytest.raises(TallyInconsistent):
        tally_check(method=method, options=options, counts=counts)
    with pytest.raises(TallyInconsistent):
        result_compute(method=method, options=options, counts=counts)


# --- Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "options", "content", "code"),
    [
        ("plurality", ABC, {"choice": "a"}, BALLOT_UNKNOWN_METHOD),
        (VotingMethod.YES_NO, (), "pour", BALLOT_MALFORMED),
        (VotingMethod.YES_NO, (), ["pour"], BALLOT_MALFORMED),
        (VotingMethod.YES_NO, (), {}, BALLOT_MALFORMED),
        (VotingMethod.YES_NO, (), {"choice": "pour", "pupil": 3}, BALLOT_MALFORMED),
        (VotingMethod.YES_NO, (), {"choice": True}, BALLOT_MALFORMED),
        (VotingMethod.SINGLE, ABC, {"choice": None}, BALLOT_MALFORMED),
        (VotingMethod.SINGLE, ABC, {"choice": ["a"]}, BALLOT_MALFORMED),
        (VotingMethod.APPROVAL, ABC, {"approved": "a"}, BALLOT_MALFORMED),
        (VotingMethod.APPROVAL, ABC, {"approved": [1]}, BALLOT_MALFORMED),
        (VotingMethod.RANKED, ABC, {"ranking": ("a", "b")}, BALLOT_MALFORMED),
        (VotingMethod.MAJORITY_JUDGMENT, ABC, {"grades": ["bien"]}, BALLOT_MALFORMED),
        (VotingMethod.MAJORITY_JUDGMENT, ["a"], {"grades": {"a": 3}}, BALLOT_MALFORMED),
        (VotingMethod.YES_NO, (), {"choice": "cool"}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.SCALE5, (), {"choice": "super"}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.SINGLE, ABC, {"choice": "z"}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.SINGLE, ABC, {"choice": "A"}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.APPROVAL, ABC, {"approved": ["a", "blanc"]}, BALLOT_UNKNOWN_OPTION),
        (VotingMethod.RANKED, ABC, {"ranking": ["a", "z"]}, BALLOT_UNKNOWN_OPTION),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            ["a"],
            {"grades": {"a": "bien", "z": "bien"}},
            BALLOT_UNKNOWN_OPTION,
        ),
        (VotingMethod.SCALE5, (), {"choice": "blanc"}, BALLOT_BLANK_NOT_ALLOWED),
        (VotingMethod.APPROVAL, ABC, {"approved": ["a", "a"]}, BALLOT_DUPLICATE_OPTION),
        (VotingMethod.RANKED, ABC, {"ranking": ["b", "a", "b"]}, BALLOT_DUPLICATE_RANK),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            ABC,
            {"grades": {"a": "bien", "b": "passable"}},
            BALLOT_INCOMPLETE_GRADES,
        ),
        (VotingMethod.MAJORITY_JUDGMENT, ["a"], {"grades": {"a": "super"}}, BALLOT_UNKNOWN_GRADE),
        (VotingMethod.SINGLE, ABC, {"approved": ["a"]}, BALLOT_WRONG_METHOD),
        (VotingMethod.APPROVAL, ABC, {"ranking": ["a"]}, BALLOT_WRONG_METHOD),
        (VotingMethod.YES_NO, (), {"grades": {}}, BALLOT_WRONG_METHOD),
        (VotingMethod.RANKED, ABC, {"choice": "a"}, BALLOT_WRONG_METHOD),
    ],
)
def test_ballot_validate_rejects(method, options, content, code):
    with pytest.raises(BallotInvalid) as error:
        ballot_validate(method=method, options=options, content=content)

    assert error.value.code == code
    assert error.value.message == str(error.value)
    assert error.value.detail


def test_ballot_invalid_message_is_french():
    with pytest.raises(BallotInvalid) as error:
        ballot_validate(method=VotingMethod.RANKED, options=ABC, content={"ranking": ["a", "a"]})

    assert error.value.message == "Une option ne peut apparaître qu'une fois dans ton classement."


@pytest.mark.parametrize(
    ("method", "options", "content", "normalised"),
    [
        (VotingMethod.YES_NO, ["contre", "pour"], {"choice": "contre"}, {"choice": "contre"}),
        (VotingMethod.APPROVAL, ABC, {"approved": ["c", "a"]}, {"approved": ["a", "c"]}),
        (VotingMethod.RANKED, ABC, {"ranking": ["c", "a"]}, {"ranking": ["c", "a"]}),
        (
            VotingMethod.MAJORITY_JUDGMENT,
            ["a", "b"],
            {"grades": {"b": "bien", "a": "a_rejeter"}},
            {"grades": {"a": "a_rejeter", "b": "bien"}},
        ),
    ],
)
def test_ballot_validate_normalises_into_a_new_dict(method, options, content, normalised):
    result = ballot_validate(method=method, options=options, content=content)

    assert result == normalised
    assert result is not content
    assert json.dumps(result) == json.dumps(normalised)  # same order too


@pytest.mark.parametrize(
    ("method", "options", "code"),
    [
        (VotingMethod.SINGLE, [], OPTIONS_COUNT),
        (VotingMethod.SINGLE, [f"o{i}" for i in range(41)], OPTIONS_COUNT),
        (VotingMethod.SINGLE, ["a", "blanc"], OPTIONS_KEY_INVALID),
        (VotingMethod.APPROVAL, ["a", "ballots"], OPTIONS_KEY_INVALID),
        (VotingMethod.MAJORITY_JUDGMENT, ["a:b"], OPTIONS_KEY_INVALID),
        (VotingMethod.RANKED, ["é"], OPTIONS_KEY_INVALID),
        (VotingMethod.RANKED, "abc", OPTIONS_KEY_INVALID),
        (VotingMethod.RANKED, ["a", 1], OPTIONS_KEY_INVALID),
        (VotingMethod.SINGLE, ["a", "b", "a"], OPTIONS_DUPLICATE),
        (VotingMethod.YES_NO, ["oui", "non"], OPTIONS_FIXED),
        (VotingMethod.SCALE5, ["waouh", "cool"], OPTIONS_FIXED),
    ],
)
def test_options_validate_rejects(method, options, code):
    with pytest.raises(OptionsInvalid) as error:
        options_validate(method=method, options=options)

    assert error.value.code == code


def test_options_validate_gives_fixed_answers():
    assert options_validate(method=VotingMethod.YES_NO, options=()) == ("pour", "contre")
    assert options_validate(method=VotingMethod.SCALE5, options=list(SCALE5_LEVELS[::-1])) == (
        SCALE5_LEVELS
    )


# --- Properties ---------------------------------------------------------------------------------

OPTION_POOL = ["a", "b", "c", "d", "e"]


def content_strategy(method: VotingMethod, options: list[str]) -> st.SearchStrategy[dict]:
    if method == VotingMethod.YES_NO:
        return st.sampled_from(["pour", "contre", "blanc"]).map(lambda c: {"choice": c})
    if method == VotingMethod.SCALE5:
        return st.sampled_from(SCALE5_LEVELS).map(lambda c: {"choice": c})
    if method == VotingMethod.SINGLE:
        return st.sampled_from([*options, "blanc"]).map(lambda c: {"choice": c})
    if method == VotingMethod.APPROVAL:
        return st.lists(st.sampled_from(options), unique=True).map(lambda a: {"approved": a})
    if method == VotingMethod.MAJORITY_JUDGMENT:
        # Few grades, so that majority grades often tie and the tie-break is exercised.
        grades = st.sampled_from(["tres_bien", "bien", "passable", "a_rejeter"])
        return st.fixed_dictionaries(dict.fromkeys(options, grades)).map(lambda g: {"grades": g})
    return st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda k: {"ranking": list(order[:k])})
    )


@st.composite
def ballot_boxes(draw, method: VotingMethod, max_ballots: int = 40):
    fixed = method in (VotingMethod.YES_NO, VotingMethod.SCALE5)
    options = [] if fixed else draw(st.lists(st.sampled_from(OPTION_POOL), min_size=1, unique=True))
    ballots = draw(st.lists(content_strategy(method, options), max_size=max_ballots))
    return options, ballots


def is_blank(content: dict) -> bool:
    value = next(iter(content.values()))
    return value == "blanc" or value == []


ALL_METHODS = pytest.mark.parametrize("method", list(VotingMethod))


@ALL_METHODS
@PROPERTY
@given(data=st.data())
def test_property_sum_of_tallies_is_the_number_of_ballots(method, data):
    options, ballots = data.draw(ballot_boxes(method))

    counts = tally_from_ballots(method=method, options=options, ballots=ballots)
    result = result_compute(method=method, options=options, counts=counts, ballots=ballots)

    tally_check(method=method, options=options, counts=counts)
    assert tally_ballot_total(method=method, counts=counts) == len(ballots)
    assert result.votants == len(ballots)
    assert result.blancs == sum(1 for content in ballots if is_blank(content))
    assert result.exprimes == result.votants - result.blancs


@ALL_METHODS
@PROPERTY
@given(data=st.data())
def test_property_result_does_not_depend_on_ballot_order(method, data):
    options, ballots = data.draw(ballot_boxes(method))
    shuffled = data.draw(st.permutations(ballots))
    second_round = data.draw(st.booleans())

    def result(box):
        return result_compute(
            method=method, options=options, ballots=box, second_round=second_round
        )

    assert result(shuffled) == result(ballots)


@ALL_METHODS
@PROPERTY
@given(data=st.data())
def test_property_incremental_counting_equals_batch(method, data):
    options, ballots = data.draw(ballot_boxes(method))
    split = data.draw(st.integers(0, len(ballots)))

    stored: dict[str, int] = {}  # as the database does it: one upsert per ballot cast
    for content in ballots:
        for key, increment in tally_counts(method=method, options=options, content=content).items():
            stored[key] = stored.get(key, 0) + increment
    batch = tally_from_ballots(method=method, options=options, ballots=ballots)
    two_classes = tally_merge(
        tallies=[
            tally_from_ballots(method=method, options=options, ballots=ballots[:split]),
            tally_from_ballots(method=method, options=options, ballots=ballots[split:]),
        ]
    )

    assert stored == batch == two_classes


@ALL_METHODS
@PROPERTY
@given(data=st.data())
def test_property_percentages_of_exprimes_add_up(method, data):
    options, ballots = data.draw(ballot_boxes(method))

    result = result_compute(method=method, options=options, ballots=ballots)

    def assert_near_100(percentages):
        assert abs(sum(percentages) - 100) <= 0.05 * len(percentages) + 1e-9

    if method == VotingMethod.MAJORITY_JUDGMENT:
        for row in result.rows:
            if result.votants:
                assert_near_100([grade.percentage for grade in row.grades])
        return
    if isinstance(result, ApprovalResult):
        for row in result.rows:
            assert row.approval_rate <= row.percentage <= 100
        if result.exprimes:  # every non-blank ballot approves at least one option
            assert sum(row.percentage for row in result.rows) >= 100 - 0.05 * len(result.rows)
        return
    if result.exprimes:
        assert_near_100([row.percentage for row in result.rows])
    for played in getattr(result, "rounds", ()):
        assert_near_100([row.percentage for row in played.rows])


@PROPERTY
@given(box=ballot_boxes(VotingMethod.SINGLE), second_round=st.booleans())
def test_property_single_outcome_follows_the_rules(box, second_round):
    options, ballots = box
    result = result_compute(
        method=VotingMethod.SINGLE, options=options, ballots=ballots, second_round=second_round
    )
    counts = sorted((row.count for row in result.rows), reverse=True)

    if result.elected_first_round:
        assert 2 * rows_by_key(result)[result.winner].count > result.exprimes
    elif result.exprimes:
        assert 2 * counts[0] <= result.exprimes
    if result.second_round_between:
        first, second = (rows_by_key(result)[key].count for key in result.second_round_between)
        assert [first, second] == counts[:2]
        assert len(counts) == 2 or counts[2] < second
        assert result.qualified == result.second_round_between
    if result.tie and second_round and result.exprimes:
        # The qualified are ahead of every tied option, and the places add up to two.
        qualified = [rows_by_key(result)[key].count for key in result.qualified]
        tied = [rows_by_key(result)[key].count for key in result.tied]
        assert len(qualified) < 2 < len(qualified) + len(tied)
        assert all(count > max(tied) for count in qualified)
    if result.elected_first_round or not second_round:
        assert result.qualified == ()
    assert not (result.winner and result.tie)
    assert result.second_round_between is None or second_round


@PROPERTY
@given(box=ballot_boxes(VotingMethod.SCALE5))
def test_property_scale5_median_and_average(box):
    _options, ballots = box
    result = result_compute(method=VotingMethod.SCALE5, options=(), ballots=ballots)
    levels = sorted((b["choice"] for b in ballots), key=SCALE5_LEVELS.index)

    if not ballots:
        assert result.median is None
        return
    assert result.median == levels[len(levels) // 2]
    mean = sum(SCALE5_SCORES[level] for level in levels) / len(levels)
    assert abs(result.average - mean) <= 0.005 + 1e-9


def majority_values(grades: list[str]) -> list[int]:
    """Balinski & Laraki by the book: repeatedly take out the lower median grade."""
    remaining = sorted(GRADES.index(grade) for grade in grades)
    values = []
    while remaining:
        values.append(remaining.pop(len(remaining) // 2))
    return values


@PROPERTY
@given(box=ballot_boxes(VotingMethod.MAJORITY_JUDGMENT, max_ballots=25))
def test_property_majority_judgment_matches_the_removal_procedure(box):
    options, ballots = box
    result = result_compute(method=VotingMethod.MAJORITY_JUDGMENT, options=options, ballots=ballots)
    values = {key: majority_values([b["grades"][key] for b in ballots]) for key in options}

    for row in result.rows:
        # Smaller grade indexes are better, so a lexicographically smaller sequence wins.
        better = sum(1 for other in options if values[other] < values[row.key])
        assert row.rank == 1 + better
        if ballots:
            assert row.majority_grade == GRADES[values[row.key][0]]


@PROPERTY
@given(box=ballot_boxes(VotingMethod.RANKED))
def test_property_ranked_rounds_are_consistent(box):
    options, ballots = box
    result = result_ranked(options=options, ballots=ballots)
    first = {row.key: row.count for row in result.rows}

    seen_out: set[str] = set()
    for played in result.rounds:
        assert played.active + played.exhausted == result.exprimes
        in_play = {row.key for row in played.rows}
        assert not in_play & seen_out
        seen_out |= set(played.eliminated)
        if played.tied_for_last:
            fewest = min(row.count for row in played.rows)
            assert {row.key for row in played.rows if row.count == fewest} == set(
                played.tied_for_last
            )
            assert played.eliminated in ((), played.tied_for_last[:1])
    if result.winner:
        last = result.rounds[-1]
        assert 2 * rows_by_key(last)[result.winner].count > last.active
        assert result.rows[0].key == result.winner
    if result.exprimes and max(first.values()) * 2 > result.exprimes:
        assert len(result.rounds) == 1
        assert first[result.winner] == max(first.values())
    assert not (result.winner and result.tie)


@ALL_METHODS
@PROPERTY
@given(data=st.data())
def test_property_normalised_ballot_is_stable_json(method, data):
    options, ballots = data.draw(ballot_boxes(method, max_ballots=5))
    for content in ballots:
        normalised = ballot_validate(method=method, options=options, content=content)

        assert json.loads(json.dumps(normalised)) == normalised
        assert ballot_validate(method=method, options=options, content=normalised) == normalised


@PROPERTY
@given(box=ballot_boxes(VotingMethod.RANKED), seed=st.randoms(use_true_random=False))
def test_property_ranked_result_survives_a_shuffled_ballot_box(box, seed):
    options, ballots = box
    shuffled = list(ballots)
    seed.shuffle(shuffled)

    assert result_ranked(options=options, ballots=shuffled) == result_ranked(
        options=options, ballots=ballots
    )


def instant_runoff_by_the_book(options: list[str], rankings: list[list[str]]) -> str | None:
    """Plain IRV that gives up on any tie for last between options that have votes."""
    remaining = list(options)
    while True:
        tops = [next((key for key in ranking if key in remaining), None) for ranking in rankings]
        votes = {key: tops.count(key) for key in remaining}
        active = sum(votes.values())
        for key, count in votes.items():
            if 2 * count > active:
                return key
        fewest = min(votes.values())
        last = [key for key in remaining if votes[key] == fewest]
        if len(last) > 1 and fewest:
            return None
        remaining = [key for key in remaining if key not in last]


@PROPERTY
@given(box=ballot_boxes(VotingMethod.RANKED))
def test_property_ranked_agrees_with_plain_irv_without_ties_for_last(box):
    options, ballots = box
    rankings = [b["ranking"] for b in ballots if b["ranking"]]
    expected = instant_runoff_by_the_book(options, rankings) if rankings else None

    result = result_ranked(options=options, ballots=ballots)

    if expected is not None:
        assert result.winner == expected


def irv_put_brute_force(remaining: frozenset[str], rankings: list[list[str]]) -> frozenset[str]:
    """Instant runoff with parallel universes, by the definition (pref_voting's
    instant_runoff_put): no majority shortcut, no memo, no batch. Eliminate one of the options
    with the fewest first preferences among those remaining, each in its own universe, until
    one option is left; the winners are every universe's last option."""
    if len(remaining) == 1:
        return remaining
    tops = [next((key for key in ranking if key in remaining), None) for ranking in rankings]
    votes = {key: tops.count(key) for key in remaining}
    fewest = min(votes.values())
    return frozenset().union(
        *(
            irv_put_brute_force(remaining - {key}, rankings)
            for key in remaining
            if votes[key] == fewest
        )
    )


@settings(max_examples=300, deadline=None, database=None)
@given(box=ballot_boxes(VotingMethod.RANKED, max_ballots=12))
def test_property_ranked_winners_are_those_of_every_elimination_order(box):
    options, ballots = box
    rankings = [b["ranking"] for b in ballots if b["ranking"]]

    result = result_ranked(options=options, ballots=ballots)

    if not rankings:
        assert (result.winner, result.tie, result.tied) == (None, False, ())
        return
    expected = irv_put_brute_force(frozenset(options), rankings)
    assert result.exhaustive
    if len(expected) == 1:
        assert (result.winner, result.tie, result.tied) == (*expected, False, ())
    else:
        assert (result.winner, result.tie) == (None, True)
        assert result.tied == tuple(key for key in options if key in expected)
    # The rounds shown stop on a tie for last only when it changes the outcome.
    last = result.rounds[-1]
    assert bool(last.tied_for_last and not last.eliminated) == result.tie
