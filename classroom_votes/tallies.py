"""Pure tallies, one result function per voting method: no models, no database, no I/O.

A ballot is plain JSON data (see `ballot_validate`), so the same functions serve a class's count,
the national aggregation and the tests. Counting has two steps:

1. `tally_counts` turns one valid ballot into counter increments (`{"pour": 1}`) that the cast
   service adds to the consultation's counters in the ballot's transaction. Counters add up: a
   school's or the country's counters are the sum of its classes' (`tally_merge`).
2. `result_<method>` turns counters into a frozen result. Instant runoff cannot work from counters
   (transfers need whole rankings), so `result_ranked` reads the stored ballots: that is what
   `METHODS_NEEDING_BALLOTS` says. Its counters still hold first preferences and blanks.

Counter keys per method, and what "sum of tallies" means (`tally_ballot_total`) in the invariant
participations = ballots = sum of tallies:

    yes_no             pour, contre, blanc                      sum of all counters
    scale5             waouh, cool, neutre, bof, beurk          sum of all counters
    single             <option>..., blanc                       sum of all counters
    ranked             <option>... (first preference), blanc    sum of all counters
    approval           ballots, blanc, <option>...              the "ballots" counter
    majority_judgment  ballots, <option>:<grade>...             the "ballots" counter, which is
                                                                also each option's sum of grades

Rules chosen where a method leaves room (each is tested):

- A blank ballot (vote blanc) is counted and shown but, as in French law, is not a suffrage
  exprimé: percentages are of exprimés (votants - blancs) unless a field says otherwise. The
  five-level scale has no blank: "neutre" is the way not to take sides, as in Mon e-parti. A
  majority-judgment ballot grades every option, so it cannot be blank ("à rejeter" refuses one).
- Percentages are rounded half up to one decimal; ranks are competition ranks (1, 1, 3).
- Fixed-answer methods (yes_no, scale5) list rows in their own order; the others by rank, ties
  in the caller's option order. Order never decides anything.
- Medians (scale5 level, majority grade) take the lower median when the number of ballots is
  even, as Balinski & Laraki: the best level that strictly more than half of the ballots reach.
- No rule draws lots or prefers an option by its name or position: when a tie decides the
  outcome, the result has `tie=True`, lists the options in `tied`, and the teacher decides.
"""

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import accumulate

from django.db import models
from django.utils.translation import gettext_lazy as _

from school.errors import DomainError

BLANK = "blanc"
BALLOTS = "ballots"
MAX_OPTIONS = 40
OPTION_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


class VotingMethod(models.TextChoices):
    YES_NO = "yes_no", _("Pour, contre ou vote blanc")
    SCALE5 = "scale5", _("Échelle à cinq niveaux")
    SINGLE = "single", _("Choix unique")
    APPROVAL = "approval", _("Vote par approbation")
    MAJORITY_JUDGMENT = "majority_judgment", _("Jugement majoritaire")
    RANKED = "ranked", _("Vote par classement (second tour instantané)")


class YesNoChoice(models.TextChoices):
    POUR = "pour", _("Pour")
    CONTRE = "contre", _("Contre")
    BLANC = BLANK, _("Vote blanc")


class Scale5Level(models.TextChoices):
    """Best first, as every ordered scale in this module."""

    WAOUH = "waouh", _("Waouh")
    COOL = "cool", _("Cool")
    NEUTRE = "neutre", _("Neutre")
    BOF = "bof", _("Bof")
    BEURK = "beurk", _("Beurk")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    TRES_BIEN = "tres_bien", _("Très bien")
    BIEN = "bien", _("Bien")
    ASSEZ_BIEN = "assez_bien", _("Assez bien")
    PASSABLE = "passable", _("Passable")
    INSUFFISANT = "insuffisant", _("Insuffisant")
    A_REJETER = "a_rejeter", _("À rejeter")


YES_NO_OPTIONS = ("pour", "contre")
SCALE5_LEVELS = tuple(Scale5Level.values)
SCALE5_SCORES = {"waouh": 2, "cool": 1, "neutre": 0, "bof": -1, "beurk": -2}
GRADES = tuple(Grade.values)

METHODS_NEEDING_BALLOTS = frozenset({VotingMethod.RANKED})
COUNTER_BASED_METHODS = frozenset(VotingMethod) - METHODS_NEEDING_BALLOTS
# Methods where a ballot adds exactly 1 to exactly one counter.
_ONE_COUNTER_METHODS = frozenset(
    {VotingMethod.YES_NO, VotingMethod.SCALE5, VotingMethod.SINGLE, VotingMethod.RANKED}
)
_FIXED_OPTIONS = {VotingMethod.YES_NO: YES_NO_OPTIONS, VotingMethod.SCALE5: SCALE5_LEVELS}
_CONTENT_KEY = {
    VotingMethod.YES_NO: "choice",
    VotingMethod.SCALE5: "choice",
    VotingMethod.SINGLE: "choice",
    VotingMethod.APPROVAL: "approved",
    VotingMethod.MAJORITY_JUDGMENT: "grades",
    VotingMethod.RANKED: "ranking",
}

BALLOT_UNKNOWN_METHOD = "ballot_unknown_method"
BALLOT_WRONG_METHOD = "ballot_wrong_method"
BALLOT_MALFORMED = "ballot_malformed"
BALLOT_UNKNOWN_OPTION = "ballot_unknown_option"
BALLOT_BLANK_NOT_ALLOWED = "ballot_blank_not_allowed"
BALLOT_DUPLICATE_OPTION = "ballot_duplicate_option"
BALLOT_DUPLICATE_RANK = "ballot_duplicate_rank"
BALLOT_UNKNOWN_GRADE = "ballot_unknown_grade"
BALLOT_INCOMPLETE_GRADES = "ballot_incomplete_grades"
OPTIONS_COUNT = "options_count"
OPTIONS_KEY_INVALID = "options_key_invalid"
OPTIONS_DUPLICATE = "options_duplicate"
OPTIONS_FIXED = "options_fixed"

ERROR_MESSAGES = {
    BALLOT_UNKNOWN_METHOD: _("Ce mode de scrutin n'existe pas."),
    BALLOT_WRONG_METHOD: _(
        "Ce bulletin ne correspond pas au mode de scrutin de cette consultation."
    ),
    BALLOT_MALFORMED: _("Ce bulletin est mal formé. Recharge la page et vote à nouveau."),
    BALLOT_UNKNOWN_OPTION: _(
        "Ce bulletin contient un choix qui ne fait pas partie de cette consultation."
    ),
    BALLOT_BLANK_NOT_ALLOWED: _(
        "Cette échelle ne prévoit pas de vote blanc : choisis « Neutre » si tu n'as pas d'avis."
    ),
    BALLOT_DUPLICATE_OPTION: _("Tu as approuvé la même option plusieurs fois."),
    BALLOT_DUPLICATE_RANK: _("Une option ne peut apparaître qu'une fois dans ton classement."),
    BALLOT_UNKNOWN_GRADE: _("Cette mention n'existe pas : choisis entre Excellent et À rejeter."),
    BALLOT_INCOMPLETE_GRADES: _("Donne une mention à chaque option avant de voter."),
    OPTIONS_COUNT: _("Une consultation propose entre 1 et 40 options."),
    OPTIONS_KEY_INVALID: _(
        "L'identifiant d'une option fait de 1 à 32 caractères (lettres sans accent, chiffres, "
        "tirets) et ne peut pas être « blanc » ni « ballots »."
    ),
    OPTIONS_DUPLICATE: _("Deux options ont le même identifiant."),
    OPTIONS_FIXED: _("Ce mode de scrutin a des réponses fixes : il ne prend pas d'options."),
}


class TallyError(DomainError):
    """`code` is a module-level constant, `message` French for the user, `detail` English for
    logs."""

    messages = ERROR_MESSAGES

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.detail = detail


class BallotInvalid(TallyError):
    """A ballot that must not be cast (code BALLOT_*)."""


class OptionsInvalid(TallyError):
    """A consultation's options that cannot be voted on (code OPTIONS_*)."""


class TallyInconsistent(ValueError):
    """Counters that no set of valid ballots can produce: corrupted or mixed-up data."""


# --- Options and ballots ----------------------------------------------------------------------


def options_validate(*, method: str, options: Sequence[str]) -> tuple[str, ...]:
    """The options a ballot may name. Fixed-answer methods (yes_no, scale5) take no options
    (or exactly their own) and get theirs; the others need 1 to MAX_OPTIONS distinct short
    keys, none of them "blanc" or "ballots" (reserved counter names)."""
    method = VotingMethod(method)
    if isinstance(options, str) or not isinstance(options, Sequence):
        raise OptionsInvalid(OPTIONS_KEY_INVALID, "options must be a sequence of keys")
    fixed = _FIXED_OPTIONS.get(method)
    if fixed is not None:
        if options and (len(options) != len(fixed) or set(options) != set(fixed)):
            raise OptionsInvalid(OPTIONS_FIXED, f"{method} answers are {fixed}")
        return fixed
    if not 1 <= len(options) <= MAX_OPTIONS:
        raise OptionsInvalid(OPTIONS_COUNT, f"{len(options)} options")
    for key in options:
        if (
            not isinstance(key, str)
            or not OPTION_KEY_PATTERN.fullmatch(key)
            or key in (BLANK, BALLOTS)
        ):
            raise OptionsInvalid(OPTIONS_KEY_INVALID, f"option key {key!r}")
    if len(set(options)) != len(options):
        raise OptionsInvalid(OPTIONS_DUPLICATE, "duplicate option keys")
    return tuple(options)


def ballot_validate(*, method: str, options: Sequence[str], content: dict) -> dict:
    """The normalised content of a valid ballot (a new dict, JSON-serialisable, with approvals
    and grades in option order), or BallotInvalid. Bad options raise OptionsInvalid."""
    try:
        method = VotingMethod(method)
    except ValueError:
        raise BallotInvalid(BALLOT_UNKNOWN_METHOD, f"method {method!r}") from None
    options = options_validate(method=method, options=options)
    if not isinstance(content, dict):
        raise BallotInvalid(BALLOT_MALFORMED, "content is not an object")
    key = _CONTENT_KEY[method]
    if set(content) != {key}:
        if len(content) == 1 and next(iter(content)) in _CONTENT_KEY.values():
            raise BallotInvalid(BALLOT_WRONG_METHOD, f"{method} ballots hold {key!r}")
        raise BallotInvalid(BALLOT_MALFORMED, f"{method} ballots hold exactly {key!r}")
    value = content[key]
    if method == VotingMethod.APPROVAL:
        return {"approved": _approved_validate(options, value)}
    if method == VotingMethod.MAJORITY_JUDGMENT:
        return {"grades": _grades_validate(options, value)}
    if method == VotingMethod.RANKED:
        return {"ranking": _ranking_validate(options, value)}
    return {"choice": _choice_validate(method, options, value)}


def _keys_validate(options: Sequence[str], value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise BallotInvalid(BALLOT_MALFORMED, "expected a list of option keys")
    unknown = set(value) - set(options)
    if unknown:
        raise BallotInvalid(BALLOT_UNKNOWN_OPTION, f"unknown options {sorted(unknown)}")
    return value


def _choice_validate(method: VotingMethod, options: Sequence[str], value: object) -> str:
    if not isinstance(value, str):
        raise BallotInvalid(BALLOT_MALFORMED, "choice must be a string")
    if value == BLANK:
        if method == VotingMethod.SCALE5:
            raise BallotInvalid(BALLOT_BLANK_NOT_ALLOWED, "scale5 has no blank")
        return BLANK
    if value not in options:
        raise BallotInvalid(BALLOT_UNKNOWN_OPTION, f"unknown choice {value!r}")
    return value


def _approved_validate(options: Sequence[str], value: object) -> list[str]:
    approved = _keys_validate(options, value)
    if len(set(approved)) != len(approved):
        raise BallotInvalid(BALLOT_DUPLICATE_OPTION, "an option is approved twice")
    return [key for key in options if key in set(approved)]


def _ranking_validate(options: Sequence[str], value: object) -> list[str]:
    ranking = _keys_validate(options, value)
    if len(set(ranking)) != len(ranking):
        raise BallotInvalid(BALLOT_DUPLICATE_RANK, "an option is ranked twice")
    return list(ranking)


def _grades_validate(options: Sequence[str], value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(grade, str) for key, grade in value.items()
    ):
        raise BallotInvalid(BALLOT_MALFORMED, "grades must map option keys to grade keys")
    unknown = set(value) - set(options)
    if unknown:
        raise BallotInvalid(BALLOT_UNKNOWN_OPTION, f"unknown options {sorted(unknown)}")
    if not set(value.values()) <= set(GRADES):
        raise BallotInvalid(BALLOT_UNKNOWN_GRADE, f"grades are {GRADES}")
    if len(value) != len(options):
        missing = [key for key in options if key not in value]
        raise BallotInvalid(BALLOT_INCOMPLETE_GRADES, f"ungraded options {missing}")
    return {key: value[key] for key in options}


# --- Counters ---------------------------------------------------------------------------------


def tally_counts(*, method: str, options: Sequence[str], content: dict) -> dict[str, int]:
    """The counter increments one ballot contributes (see the module docstring for the keys).
    Validates the ballot first, so nothing invalid is ever counted."""
    method = VotingMethod(method)
    ballot = ballot_validate(method=method, options=options, content=content)
    if method == VotingMethod.APPROVAL:
        return {BALLOTS: 1, **dict.fromkeys(ballot["approved"] or [BLANK], 1)}
    if method == VotingMethod.MAJORITY_JUDGMENT:
        grades = ballot["grades"]
        return {BALLOTS: 1, **{f"{key}:{grade}": 1 for key, grade in grades.items()}}
    if method == VotingMethod.RANKED:
        return {(ballot["ranking"] or [BLANK])[0]: 1}
    return {ballot["choice"]: 1}


def tally_merge(*, tallies: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Counters of several ballots, classes or territories added together."""
    total: Counter[str] = Counter()
    for counts in tallies:
        total.update(counts)
    return {key: value for key, value in total.items() if value}


def tally_from_ballots(
    *, method: str, options: Sequence[str], ballots: Iterable[dict]
) -> dict[str, int]:
    """The counters of a whole ballot box, as if each ballot had been counted when cast."""
    return tally_merge(
        tallies=(tally_counts(method=method, options=options, content=b) for b in ballots)
    )


def tally_ballot_total(*, method: str, counts: Mapping[str, int]) -> int:
    """How many ballots the counters record: the sum of all counters where a ballot adds to
    exactly one (yes_no, scale5, single, ranked), the "ballots" counter otherwise."""
    if VotingMethod(method) in _ONE_COUNTER_METHODS:
        return sum(counts.values())
    return counts.get(BALLOTS, 0)


def tally_check(*, method: str, options: Sequence[str], counts: Mapping[str, int]) -> None:
    """Raise TallyInconsistent unless valid ballots can produce these counters: known keys,
    non-negative integers, and the cross-checks of approval and majority-judgment counters."""
    method = VotingMethod(method)
    options = options_validate(method=method, options=options)
    allowed = _counter_keys(method, options)
    for key, value in counts.items():
        if key not in allowed:
            raise TallyInconsistent(f"unexpected {method} counter {key!r}")
        if type(value) is not int or value < 0:
            raise TallyInconsistent(f"counter {key!r} is {value!r}")
    ballots = counts.get(BALLOTS, 0)
    if method == VotingMethod.APPROVAL:
        expressed = ballots - counts.get(BLANK, 0)
        approvals = [counts.get(key, 0) for key in options]
        if expressed < 0 or max(approvals) > expressed or sum(approvals) < expressed:
            raise TallyInconsistent("approval counters do not match the number of ballots")
    if method == VotingMethod.MAJORITY_JUDGMENT:
        for key in options:
            if sum(counts.get(f"{key}:{grade}", 0) for grade in GRADES) != ballots:
                raise TallyInconsistent(f"option {key!r} is not graded on every ballot")


def _counter_keys(method: VotingMethod, options: tuple[str, ...]) -> frozenset[str]:
    if method == VotingMethod.YES_NO:
        return frozenset(YesNoChoice.values)
    if method == VotingMethod.SCALE5:
        return frozenset(SCALE5_LEVELS)
    if method == VotingMethod.MAJORITY_JUDGMENT:
        return frozenset({BALLOTS, *(f"{key}:{grade}" for key in options for grade in GRADES)})
    if method == VotingMethod.APPROVAL:
        return frozenset({BALLOTS, BLANK, *options})
    return frozenset({BLANK, *options})


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionRow:
    """`percentage` is of suffrages exprimés (of active ballots in an instant-runoff round)."""

    key: str
    count: int
    percentage: float
    rank: int


@dataclass(frozen=True)
class ApprovalRow(OptionRow):
    """`percentage` is of exprimés (non-blank ballots), `approval_rate` of votants."""

    approval_rate: float


@dataclass(frozen=True)
class GradeShare:
    grade: str
    count: int
    percentage: float


@dataclass(frozen=True)
class MajorityJudgmentRow:
    """`majority_grade` is the option's mention; `better_percentage` and `worse_percentage` are
    the shares of its grades strictly above and below it (None and 0 with no ballots)."""

    key: str
    rank: int
    majority_grade: str | None
    grades: tuple[GradeShare, ...]
    better_percentage: float
    worse_percentage: float


@dataclass(frozen=True)
class RankedRound:
    """One instant-runoff round: `rows` are the remaining options with their votes and share of
    `active` (non-exhausted, non-blank) ballots; `eliminated` go out at the end of the round.
    `tied_for_last` names the options tied for fewest votes when one of them had to be picked
    (see result_ranked): then one goes out, or none when the count stops on that tie."""

    number: int
    rows: tuple[OptionRow, ...]
    active: int
    exhausted: int
    eliminated: tuple[str, ...]
    tied_for_last: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TallyResult:
    """What every method reports. `exprimes` = `votants` - `blancs`. `winner` is None when
    nobody is designated (no ballots, a tie, a second round to hold); `tie` says a tie is the
    reason and `tied` names the options concerned, for the teacher to decide."""

    method: VotingMethod
    votants: int
    blancs: int
    exprimes: int
    winner: str | None
    tie: bool
    tied: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class YesNoResult(TallyResult):
    """Rows pour then contre; the one with more votes wins, equality is a tie."""

    rows: tuple[OptionRow, ...]


@dataclass(frozen=True, kw_only=True)
class Scale5Result(TallyResult):
    """Rows in scale order; `winner` is the `median` level (never a tie); `average` scores
    waouh 2, cool 1, neutre 0, bof -1, beurk -2, rounded half up to two decimals."""

    rows: tuple[OptionRow, ...]
    median: str | None
    average: float | None


@dataclass(frozen=True, kw_only=True)
class SingleResult(TallyResult):
    """`absolute_majority` is the number of votes needed to be elected in the first round.
    `qualified`: the options sure of a place in the second round: the two of
    `second_round_between`; the first alone when the second place is tied (`tied` names the
    options tied for it); none when three or more tie for first, or without a second round."""

    rows: tuple[OptionRow, ...]
    absolute_majority: int
    elected_first_round: bool
    second_round_requested: bool
    second_round_between: tuple[str, str] | None
    qualified: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ApprovalResult(TallyResult):
    rows: tuple[ApprovalRow, ...]


@dataclass(frozen=True, kw_only=True)
class MajorityJudgmentResult(TallyResult):
    """`tie_break_used`: the winner shares its majority grade with another option."""

    rows: tuple[MajorityJudgmentRow, ...]
    tie_break_used: bool


@dataclass(frozen=True, kw_only=True)
class RankedResult(TallyResult):
    """`rows` hold first preferences (count, share of exprimés) with the rank the runoff gave:
    winner first, then the last round's options by votes, then the others by reverse order of
    elimination. `tied` names the possible winners of a tie (not the options tied for last,
    which the rounds name). `exhaustive` is False when the elimination orders were too many to
    explore: then `tie` is True and `tied` names the possible winners found, perhaps not all."""

    rows: tuple[OptionRow, ...]
    rounds: tuple[RankedRound, ...]
    exhaustive: bool = True


def _rounded(numerator: int, denominator: int, *, decimals: int) -> float:
    """numerator / denominator rounded half up (towards +infinity), in exact integer arithmetic."""
    scale = 10**decimals
    return ((2 * scale * numerator + denominator) // (2 * denominator)) / scale


def _percentage(count: int, total: int) -> float:
    """count / total in percent, rounded half up to one decimal; 0.0 when total is 0."""
    return _rounded(100 * count, total, decimals=1) if total > 0 else 0.0


def _option_rows(
    *, keys: Sequence[str], counts: Mapping[str, int], total: int, by_rank: bool = True
) -> tuple[OptionRow, ...]:
    rows = [
        OptionRow(
            key=key,
            count=counts.get(key, 0),
            percentage=_percentage(counts.get(key, 0), total),
            rank=1 + sum(1 for other in keys if counts.get(other, 0) > counts.get(key, 0)),
        )
        for key in keys
    ]
    if by_rank:
        rows.sort(key=lambda row: row.rank)
    return tuple(rows)


def _decision(rows: Sequence[OptionRow]) -> dict:
    """winner / tie / tied for a relative majority: the only option ranked first with votes."""
    leaders = tuple(row.key for row in rows if row.rank == 1 and row.count > 0)
    if len(leaders) == 1:
        return {"winner": leaders[0], "tie": False, "tied": ()}
    return {"winner": None, "tie": bool(leaders), "tied": leaders}


def _box(method: VotingMethod, options: Sequence[str], counts: Mapping[str, int]) -> dict:
    """Checked counters and the fields every result shares."""
    tally_check(method=method, options=options, counts=counts)
    votants = tally_ballot_total(method=method, counts=counts)
    blancs = counts.get(BLANK, 0)
    return {"method": method, "votants": votants, "blancs": blancs, "exprimes": votants - blancs}


def _lower_median(counts: Sequence[int]) -> int | None:
    """Index of the lower median in counts ordered best first: the best level that strictly
    more than half of the ballots reach (position n // 2 + 1 counting from the best)."""
    total = sum(counts)
    if not total:
        return None
    return bisect_left(list(accumulate(counts)), total // 2 + 1)


def result_yes_no(*, counts: Mapping[str, int]) -> YesNoResult:
    box = _box(VotingMethod.YES_NO, (), counts)
    rows = _option_rows(keys=YES_NO_OPTIONS, counts=counts, total=box["exprimes"], by_rank=False)
    return YesNoResult(**box, rows=rows, **_decision(rows))


def result_scale5(*, counts: Mapping[str, int]) -> Scale5Result:
    box = _box(VotingMethod.SCALE5, (), counts)
    votants = box["votants"]
    rows = _option_rows(keys=SCALE5_LEVELS, counts=counts, total=votants, by_rank=False)
    median = _lower_median([row.count for row in rows])
    score = sum(SCALE5_SCORES[row.key] * row.count for row in rows)
    return Scale5Result(
        **box,
        rows=rows,
        median=None if median is None else SCALE5_LEVELS[median],
        average=_rounded(score, votants, decimals=2) if votants else None,
        winner=None if median is None else SCALE5_LEVELS[median],
        tie=False,
        tied=(),
    )


def result_single(
    *, options: Sequence[str], counts: Mapping[str, int], second_round: bool = False
) -> SingleResult:
    """Elected in the first round with strictly more than half of the exprimés (exactly half is
    not enough). Otherwise, with `second_round`, the two options with the most votes go to a
    second round, as in the presidential election; if the second qualifying place is tied
    (or three or more tie for first) nobody is picked: `tie`, `tied` names the options tied
    for the contested place and `qualified` the first when it is sure of its place. Without a
    second round the relative majority wins."""
    options = options_validate(method=VotingMethod.SINGLE, options=options)
    box = _box(VotingMethod.SINGLE, options, counts)
    exprimes = box["exprimes"]
    rows = _option_rows(keys=options, counts=counts, total=exprimes)
    fields = {
        **box,
        "rows": rows,
        "absolute_majority": exprimes // 2 + 1,
        "second_round_requested": second_round,
        "elected_first_round": False,
        "second_round_between": None,
    }
    if exprimes and 2 * rows[0].count > exprimes:
        fields["elected_first_round"] = True
        return SingleResult(**fields, winner=rows[0].key, tie=False, tied=())
    if not (second_round and exprimes):
        return SingleResult(**fields, **_decision(rows))
    cut = rows[1].count
    if len(rows) > 2 and rows[2].count == cut:
        tied = tuple(row.key for row in rows if row.count == cut)
        qualified = tuple(row.key for row in rows if row.count > cut)
        return SingleResult(**fields, qualified=qualified, winner=None, tie=True, tied=tied)
    fields["second_round_between"] = (rows[0].key, rows[1].key)
    return SingleResult(
        **fields, qualified=(rows[0].key, rows[1].key), winner=None, tie=False, tied=()
    )


def result_approval(*, options: Sequence[str], counts: Mapping[str, int]) -> ApprovalResult:
    """The most approved option wins; a blank ballot approves nothing."""
    options = options_validate(method=VotingMethod.APPROVAL, options=options)
    box = _box(VotingMethod.APPROVAL, options, counts)
    rows = tuple(
        ApprovalRow(**asdict(row), approval_rate=_percentage(row.count, box["votants"]))
        for row in _option_rows(keys=options, counts=counts, total=box["exprimes"])
    )
    return ApprovalResult(**box, rows=rows, **_decision(rows))


def result_majority_judgment(
    *, options: Sequence[str], counts: Mapping[str, int]
) -> MajorityJudgmentResult:
    """Balinski & Laraki's majority judgment. Each option's mention is the lower median of its
    grades. Options with the same mention are ordered by their majority values, exactly: remove
    one median grade from each, compare the new medians, and so on until they differ: the
    book's rule itself, not the majority-gauge shortcut, computed from the counters without
    expanding the ballots. Options equal all the way share a rank;
    a shared first rank is a tie. No ballot is blank: every option is graded on every ballot."""
    options = options_validate(method=VotingMethod.MAJORITY_JUDGMENT, options=options)
    box = _box(VotingMethod.MAJORITY_JUDGMENT, options, counts)
    votants = box["votants"]
    grade_counts = {key: [counts.get(f"{key}:{grade}", 0) for grade in GRADES] for key in options}
    rank = {
        key: 1 + sum(1 for other in options if _mj_compare(grade_counts[other], values) > 0)
        for key, values in grade_counts.items()
    }
    rows = []
    for key in sorted(options, key=rank.__getitem__):
        values = grade_counts[key]
        median = _lower_median(values)
        rows.append(
            MajorityJudgmentRow(
                key=key,
                rank=rank[key],
                majority_grade=None if median is None else GRADES[median],
                grades=tuple(
                    GradeShare(grade=grade, count=count, percentage=_percentage(count, votants))
                    for grade, count in zip(GRADES, values, strict=True)
                ),
                better_percentage=_percentage(sum(values[:median]), votants) if votants else 0.0,
                worse_percentage=(
                    _percentage(sum(values[median + 1 :]), votants) if votants else 0.0
                ),
            )
        )
    leaders = tuple(row.key for row in rows if row.rank == 1) if votants else ()
    winner = leaders[0] if len(leaders) == 1 else None
    same_mention = sum(1 for row in rows if row.majority_grade == rows[0].majority_grade)
    return MajorityJudgmentResult(
        **box,
        rows=tuple(rows),
        winner=winner,
        tie=len(leaders) > 1,
        tied=leaders if len(leaders) > 1 else (),
        tie_break_used=winner is not None and same_mention > 1,
    )


def _mj_compare(a: Sequence[int], b: Sequence[int]) -> int:
    """Positive when grade counts `a` (best grade first) beat `b`, by majority values.

    With the n grades sorted best first at positions 1..n and h = ceil(n / 2), removing lower
    medians one by one visits position h and upwards (the better side, U) alternately with
    h + 1 and downwards (the worse side, W): U0 W0 U1 W1 ... when n is odd, W0 U0 W1 U1 ...
    when even. Both options have n grades, so the first difference in that sequence is the
    earlier of the first differences on each side, found by visiting only the positions where
    either option's grade changes."""
    n = sum(a)
    if n != sum(b):
        raise TallyInconsistent("options graded by different numbers of ballots")
    if not n:
        return 0
    cum_a, cum_b = list(accumulate(a)), list(accumulate(b))
    bounds = set(cum_a) | set(cum_b)
    h = (n + 1) // 2
    upper = sorted({h} | {c for c in bounds if 1 <= c < h}, reverse=True)
    lower = sorted({c + 1 for c in bounds if h < c < n} | ({h + 1} if h < n else set()))
    odd = n % 2
    candidates = []  # (index in the majority-value sequence, position)
    for positions, start, offset in ((upper, h, 1 - odd), (lower, h + 1, odd)):
        for position in positions:
            if bisect_left(cum_a, position) != bisect_left(cum_b, position):
                candidates.append((2 * abs(position - start) + offset, position))
                break
    if not candidates:
        return 0
    _index, position = min(candidates)
    return bisect_left(cum_b, position) - bisect_left(cum_a, position)


# --- Instant runoff ---------------------------------------------------------------------------

# What exploring elimination orders may cost, in rankings read (one per distinct ranking and set
# of remaining options): about half a second. Deciding instant runoff with parallel universes is
# NP-hard; only many options with many ties for last (say 30 options, 30 one-vote ballots) come
# near this. A 10-option count never does: it has at most 1,024 sets of remaining options.
IRV_SEARCH_MAX_READS = 500_000


def rankings_count(*, options: Sequence[str], ballots: Iterable[dict]) -> dict[str, int]:
    """How many ballots gave each ranking, keyed "a>b>c" ("" for a blank ballot): what a box of
    ranked ballots holds once their order of arrival is forgotten, and what adds up across
    classes and territories (tally_merge) for the national count (each ballot validated)."""
    options = options_validate(method=VotingMethod.RANKED, options=options)
    return dict(
        Counter(
            ">".join(
                ballot_validate(method=VotingMethod.RANKED, options=options, content=b)["ranking"]
            )
            for b in ballots
        )
    )


def _rankings_parse(options: Sequence[str], rankings: Mapping[str, int]) -> Counter:
    parsed: Counter[tuple[str, ...]] = Counter()
    for key, weight in rankings.items():
        if type(weight) is not int or weight < 0:
            raise TallyInconsistent(f"ranking {key!r} counted {weight!r} times")
        content = {"ranking": key.split(">") if key else []}
        ranking = ballot_validate(method=VotingMethod.RANKED, options=options, content=content)
        parsed[tuple(ranking["ranking"])] += weight
    return parsed


def result_ranked(
    *,
    options: Sequence[str],
    ballots: Iterable[dict] = (),
    rankings: Mapping[str, int] | None = None,
) -> RankedResult:
    """Instant runoff from the stored ballots (each validated again).

    Each round gives every non-blank ballot to its highest-ranked remaining option; a ballot
    with none left is exhausted and drops out. An option with strictly more than half of the
    active ballots wins. Otherwise the option with the fewest votes is eliminated. When several
    tie for fewest, the count follows every elimination order ("parallel universes", as
    pref_voting's instant_runoff_put): an option that wins in at least one is a possible
    winner. A single possible winner wins; several are a `tie`, and `tied` names them.

    The rounds shown follow one order. Options tied for fewest whose votes added up are fewer
    than any other option's go out together, in one round: eliminated one by one, in any order,
    they would all go out before anything else happened. At any other tie for last, the round
    names the options in `tied_for_last`: when the outcome is the same whichever goes out, the
    first of them in the caller's order does and the count goes on; otherwise (or when the
    orders were too many to explore, `exhaustive` False: `tied` then names the possible winners
    found) the count stops there, nobody eliminated.

    `rankings` (rankings_count's histogram) adds weighted ballots: the national count reads a
    territory's histogram rather than millions of ballots."""
    options = options_validate(method=VotingMethod.RANKED, options=options)
    counted: Counter[tuple[str, ...]] = Counter(
        tuple(ballot_validate(method=VotingMethod.RANKED, options=options, content=b)["ranking"])
        for b in ballots
    )
    if rankings is not None:
        counted.update(_rankings_parse(options, rankings))
    rankings = +counted
    blancs = rankings.pop((), 0)
    exprimes = sum(rankings.values())
    first: Counter[str] = Counter()
    for ranking, weight in rankings.items():
        first[ranking[0]] += weight
    search = _RunoffSearch(options, rankings)
    possible, exhaustive = frozenset(), True
    if exprimes:
        try:
            possible = search.winners(frozenset(options))
        except _SearchTooLong:
            possible, exhaustive = search.found, False
    decided = exhaustive and len(possible) == 1
    remaining = list(options)
    rounds: list[RankedRound] = []
    winner = None
    while exprimes:
        votes = search.votes(remaining)
        active = sum(votes.values())
        row_fields = {
            "number": len(rounds) + 1,
            "rows": _option_rows(keys=remaining, counts=votes, total=active),
            "active": active,
            "exhausted": exprimes - active,
        }
        best = max(votes, key=votes.__getitem__)
        if 2 * votes[best] > active:
            winner = best
            rounds.append(RankedRound(**row_fields, eliminated=()))
            break
        tied, together = _irv_last(remaining, votes)
        if together:
            rounds.append(RankedRound(**row_fields, eliminated=tied))
        elif decided or (exhaustive and search.same_outcome(remaining, tied)):
            rounds.append(RankedRound(**row_fields, eliminated=tied[:1], tied_for_last=tied))
        else:
            rounds.append(RankedRound(**row_fields, eliminated=(), tied_for_last=tied))
            break
        remaining = [key for key in remaining if key not in rounds[-1].eliminated]
    ranks = _irv_ranks(options, winner, rounds)
    rows = tuple(
        sorted(
            (
                OptionRow(
                    key=key,
                    count=first[key],
                    percentage=_percentage(first[key], exprimes),
                    rank=ranks[key],
                )
                for key in options
            ),
            key=lambda row: row.rank,
        )
    )
    tied = () if winner else tuple(key for key in options if key in possible)
    return RankedResult(
        method=VotingMethod.RANKED,
        votants=exprimes + blancs,
        blancs=blancs,
        exprimes=exprimes,
        winner=winner,
        tie=bool(tied),
        tied=tied,
        rows=rows,
        rounds=tuple(rounds),
        exhaustive=exhaustive,
    )


def _irv_last(remaining: Sequence[str], votes: Mapping[str, int]) -> tuple[tuple[str, ...], bool]:
    """The options tied for fewest votes, in `remaining`'s order, and whether they go out
    together without changing anything (alone, or fewer votes added up than any other's)."""
    fewest = min(votes.values())
    tied = tuple(key for key in remaining if votes[key] == fewest)
    others = [votes[key] for key in remaining if votes[key] != fewest]
    return tied, len(tied) == 1 or bool(others) and fewest * len(tied) < min(others)


class _SearchTooLong(Exception):
    """More than IRV_SEARCH_MAX_READS rankings read."""


class _RunoffSearch:
    """The possible winners from any set of remaining options, each set explored once (memo):
    a set's winners are the union of its branches' over every option tied for fewest votes.
    `found` gathers every winner met so far, all of them possible winners of any set explored
    from (what is known when the search is cut short)."""

    def __init__(self, options: Sequence[str], rankings: Mapping[tuple[str, ...], int]):
        self.rankings = tuple(rankings.items())
        self.order = {key: index for index, key in enumerate(options)}
        self.memo: dict[frozenset[str], frozenset[str]] = {}
        self.found: frozenset[str] = frozenset()
        self.reads = 0

    def votes(self, remaining: Iterable[str]) -> dict[str, int]:
        """Each remaining option's votes: the ballots whose highest-ranked remaining option
        it is (in `remaining`'s order)."""
        votes = dict.fromkeys(remaining, 0)
        for ranking, weight in self.rankings:
            for key in ranking:
                if key in votes:
                    votes[key] += weight
                    break
        return votes

    def winners(self, remaining: frozenset[str]) -> frozenset[str]:
        known = self.memo.get(remaining)
        if known is None:
            known = self.memo[remaining] = self._explore(remaining)
            self.found |= known
        return known

    def same_outcome(self, remaining: Sequence[str], tied: Sequence[str]) -> bool:
        """Whether every option in `tied` going out leads to the same possible winners (False
        when finding out would take too long)."""
        try:
            outcomes = {self.winners(frozenset(remaining) - {key}) for key in tied}
        except _SearchTooLong:
            return False
        return len(outcomes) == 1

    def _explore(self, remaining: frozenset[str]) -> frozenset[str]:
        if len(remaining) == 1:
            return remaining
        self.reads += len(self.rankings)
        if self.reads > IRV_SEARCH_MAX_READS:
            raise _SearchTooLong
        votes = self.votes(sorted(remaining, key=self.order.__getitem__))
        ordered = sorted(votes, key=votes.__getitem__)  # fewest first, ties in option order
        best = ordered[-1]
        if 2 * votes[best] > sum(votes.values()):
            return frozenset({best})
        # The longest run of fewest-voted options whose votes added up are fewer than the next
        # one's: whatever the order, they all go out before it (and before anything it could
        # gain), so the winners are those without them. Saves most of the branches.
        below, cut = 0, 0
        for position, key in enumerate(ordered[:-1]):
            below += votes[key]
            if below < votes[ordered[position + 1]]:
                cut = position + 1
        if cut:
            return self.winners(remaining - frozenset(ordered[:cut]))
        fewest = votes[ordered[0]]
        possible: frozenset[str] = frozenset()
        for key in ordered:
            if votes[key] != fewest:
                break
            branch = remaining - {key}
            if not branch <= possible:  # its winners are among its options
                possible |= self.winners(branch)
        return possible


def _irv_ranks(
    options: Sequence[str], winner: str | None, rounds: list[RankedRound]
) -> dict[str, int]:
    if not rounds:
        return dict.fromkeys(options, 1)
    last = rounds[-1].rows
    groups: list[list[str]] = [[winner]] if winner else []
    for count in sorted({row.count for row in last if row.key != winner}, reverse=True):
        groups.append([row.key for row in last if row.key != winner and row.count == count])
    groups.extend(list(played.eliminated) for played in reversed(rounds) if played.eliminated)
    ranks, rank = {}, 1
    for group in groups:
        ranks.update(dict.fromkeys(group, rank))
        rank += len(group)
    return ranks


def result_compute(
    *,
    method: str,
    options: Sequence[str],
    counts: Mapping[str, int] | None = None,
    ballots: Iterable[dict] | None = None,
    rankings: Mapping[str, int] | None = None,
    second_round: bool = False,
) -> TallyResult:
    """The result of any method: from `counts`, or from `ballots` (required for
    METHODS_NEEDING_BALLOTS; otherwise counted into counters when no counts are given)."""
    method = VotingMethod(method)
    if method in METHODS_NEEDING_BALLOTS:
        if ballots is None and rankings is None:
            raise ValueError(f"{method} results need the ballots")
        return result_ranked(options=options, ballots=ballots or (), rankings=rankings)
    if counts is None:
        if ballots is None:
            raise ValueError("give counts or ballots")
        counts = tally_from_ballots(method=method, options=options, ballots=ballots)
    if method == VotingMethod.YES_NO:
        return result_yes_no(counts=counts)
    if method == VotingMethod.SCALE5:
        return result_scale5(counts=counts)
    if method == VotingMethod.SINGLE:
        return result_single(options=options, counts=counts, second_round=second_round)
    if method == VotingMethod.APPROVAL:
        return result_approval(options=options, counts=counts)
    return result_majority_judgment(options=options, counts=counts)
