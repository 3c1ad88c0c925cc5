"""Writes for xAPI: statements from H5P players become attempts and progress, as quizzes do.

Who may record what (checked by xapi_statements_check_and_record, a batch whole or not at all,
answered 400 or 429 with a code and a French message, nothing stored):
- the activity is an H5P block of a live, public lesson (XAPI_UNKNOWN_ACTIVITY), whose package
  passed the checks (READY, XAPI_PACKAGE_NOT_READY): a pending or refused package is played
  nowhere, so nothing can honestly be scored in it;
- a pupil records only in lessons given to their class: assigned to it, alone or with their
  course (courses.selectors.lessons_given_to_pupil; that is what "open to the class" means here: the
  site has no other way of opening a lesson to a class). A pupil still waiting for the teacher's
  approval has no class, so no lesson (XAPI_NOT_ASSIGNED);
- any other account (a teacher or an editor previewing a lesson, an administrator) gets the
  same checks and a 200 with every statement in `ignored`: their players work, and nothing they
  do is stored or counted for anyone;
- a score is checked against the package's maximum, which the server computed from the content
  (courses.h5p.scoring) or an editor set: a different maximum (XAPI_MAX_MISMATCH) or a raw score
  above it (XAPI_SCORE_ABOVE_MAX) is refused. With an unknown maximum only the parser's bounds
  hold (0 ≤ raw ≤ max ≤ 10 000): a pupil could then claim 10/10 where the activity gives 3, and
  the percentage shown would still be between 0 and 100 %;
- per pupil and activity, at most HEMICYCLE_XAPI_MAX_KEPT_PER_ACTIVITY_HOUR statements kept over
  the last hour (XAPI_QUOTA, 429): a pupil retrying an activity sends a few a minute, a script
  hundreds a second. The count is taken under a lock on the pupil's profile row, so two concurrent
  batches cannot both pass it. Requests are throttled apart (courses.api.xapi).

Scores are stored exactly (Decimals, courses.scores): 2.6/3 stays 2.6/3."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from school.errors import ErrorKind
from school.models import PupilProfile
from school.permissions import is_pupil_account

from ..models import ExerciseKind, H5PPackage, LessonPage, QuizAttempt, XAPIStatement
from ..scores import score_exact, score_text
from ..selectors.assignments import lessons_given_to_pupil
from ..xapi import XAPI_UNKNOWN_ACTIVITY, ParsedStatement, XAPIStatementError
from .progress import lesson_progress_touch

XAPI_NOT_ASSIGNED = "xapi_not_assigned"
XAPI_PACKAGE_NOT_READY = "xapi_package_not_ready"
XAPI_MAX_MISMATCH = "xapi_max_mismatch"
XAPI_SCORE_ABOVE_MAX = "xapi_score_above_max"
XAPI_QUOTA = "xapi_quota"


@dataclass
class XAPIRecordResult:
    stored: list = field(default_factory=list)  # statement ids kept now
    duplicates: list = field(default_factory=list)  # already kept: a replay changes nothing
    ignored: list = field(default_factory=list)  # acknowledged, not meaningful for progress


def _refuse(code: str, message: str, index: int, *, kind=None) -> XAPIStatementError:
    return XAPIStatementError(
        code,
        _("Déclaration n° %(n)s : %(message)s") % {"n": index + 1, "message": message},
        index=index,
        kind=kind,
    )


def _lessons_with_activities(statements: list[ParsedStatement]) -> dict[int, LessonPage]:
    """The live lessons the statements point at, checked to hold the activities named."""
    lessons = (
        LessonPage.objects.live()
        .public()
        .only("id", "path", "depth", "url_path", "body")
        .in_bulk({s.lesson_id for s in statements})
    )
    activities = {pk: set(lesson.h5p_activity_ids()) for pk, lesson in lessons.items()}
    for index, statement in enumerate(statements):
        if statement.activity_id not in activities.get(statement.lesson_id, ()):
            raise _refuse(
                XAPI_UNKNOWN_ACTIVITY,
                _("cette activité n'existe pas ou n'est pas publiée."),
                index,
            )
    return lessons


def _packages(statements, lessons) -> dict[tuple[int, str], H5PPackage | None]:
    """(lesson id, activity id) → the activity's package (None if it was deleted), one query."""
    package_ids = {
        (statement.lesson_id, statement.activity_id): lessons[statement.lesson_id]
        .h5p_package_ids()
        .get(statement.activity_id)
        for statement in statements
    }
    found = H5PPackage.objects.only("id", "status", "max_score").in_bulk(
        {pk for pk in package_ids.values() if pk}
    )
    return {key: found.get(pk) for key, pk in package_ids.items()}


def _check_packages_and_scores(statements, lessons) -> None:
    packages = _packages(statements, lessons)
    for index, statement in enumerate(statements):
        package = packages.get((statement.lesson_id, statement.activity_id))
        if package is None or not package.is_ready:
            raise _refuse(
                XAPI_PACKAGE_NOT_READY,
                _("cette activité n'a pas passé la vérification : rien n'y est enregistré."),
                index,
            )
        if not (statement.is_kept and statement.has_score) or package.max_score is None:
            continue
        raw, maximum = score_exact(statement.score_raw), score_exact(statement.score_max)
        if maximum != package.max_score:
            raise _refuse(
                XAPI_MAX_MISMATCH,
                _("le score maximal de cette activité est %(max)s, pas %(given)s.")
                % {"max": score_text(package.max_score), "given": score_text(maximum)},
                index,
            )
        if raw > package.max_score:  # the parser checked raw ≤ max already: defence in depth
            raise _refuse(
                XAPI_SCORE_ABOVE_MAX,
                _("le score dépasse le maximum de l'activité (%(max)s).")
                % {"max": score_text(package.max_score)},
                index,
            )


def _check_assigned(*, user, statements, lessons) -> None:
    allowed = lessons_given_to_pupil(user=user, lessons=lessons.values())
    for index, statement in enumerate(statements):
        if statement.lesson_id not in allowed:
            raise _refuse(
                XAPI_NOT_ASSIGNED,
                _("cette leçon n'est pas donnée à ta classe : rien n'est enregistré."),
                index,
            )


def _pupil_locked(user) -> None:
    """Lock the pupil's profile row until the batch commits, so that two concurrent batches
    cannot both pass the quota (_check_quota), in the query that reads the profile and its
    class as `User.pupil_profile` does: the class check (_check_assigned) then reads it from
    the user, with no query of its own."""
    user.__dict__["pupil_profile"] = (  # where the cached_property keeps its value
        PupilProfile.objects.select_for_update(of=("self",))
        .select_related("classroom__school")
        .filter(user_id=user.pk)
        .first()
    )


def _check_quota(*, user, statements) -> None:
    """Under the lock _pupil_locked takes (see the module docstring). Only kept statements
    count."""
    kept = [s for s in statements if s.is_kept]
    if not kept:
        return
    limit = settings.HEMICYCLE_XAPI_MAX_KEPT_PER_ACTIVITY_HOUR
    since = timezone.now() - timedelta(hours=1)
    counts = {
        (row["lesson_id"], row["activity_id"]): row["n"]
        for row in XAPIStatement.objects.filter(
            user=user,
            lesson_id__in={s.lesson_id for s in kept},
            stored_at__gte=since,
        )
        .values("lesson_id", "activity_id")
        .annotate(n=Count("pk"))
    }
    for index, statement in enumerate(statements):
        if not statement.is_kept:
            continue
        key = (statement.lesson_id, statement.activity_id)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > limit:
            raise _refuse(
                XAPI_QUOTA,
                _(
                    "trop de résultats envoyés pour cette activité en une heure (%(max)s au "
                    "plus). Réessaie plus tard."
                )
                % {"max": limit},
                index,
                kind=ErrorKind.RATE_LIMITED,
            )


def xapi_statements_check_and_record(*, user, statements: list[ParsedStatement]):
    """Check every statement (module docstring), then record them all; raises
    XAPIStatementError (nothing stored) otherwise. Non-pupils: checked, nothing stored."""
    lessons = _lessons_with_activities(statements)
    _check_packages_and_scores(statements, lessons)
    if not is_pupil_account(user):
        return XAPIRecordResult(ignored=[str(s.statement_id) for s in statements])
    try:
        return _quota_checked_and_recorded(user=user, statements=statements, lessons=lessons)
    except IntegrityError:
        # A replay of the same statements committed between our look-up and our insert: the
        # whole batch was rolled back; once more, and the look-up now sees them as duplicates.
        return _quota_checked_and_recorded(user=user, statements=statements, lessons=lessons)


def _quota_checked_and_recorded(*, user, statements, lessons) -> XAPIRecordResult:
    with transaction.atomic():
        _pupil_locked(user)
        _check_assigned(user=user, statements=statements, lessons=lessons)
        _check_quota(user=user, statements=statements)
        return xapi_statements_record(user=user, statements=statements, lessons=lessons)


def _ids_already_kept(statements) -> set:
    return set(
        XAPIStatement.objects.filter(
            statement_id__in=[statement.statement_id for statement in statements]
        ).values_list("statement_id", flat=True)
    )


def xapi_statements_record(
    *, user, statements: list[ParsedStatement], lessons: dict[int, LessonPage]
) -> XAPIRecordResult:
    """Keep each meaningful statement once; a scored one is an attempt at the activity, its
    score kept exactly. The statement's actor was dropped by the parser: `user` is the actor.

    One transaction for the batch, its cost independent of its size: one look-up of the ids
    already kept, one insert of the attempts, one of the statements, then each touched lesson's
    progress. No savepoint per statement: a statement id is unique in the database, so a
    concurrent replay that slips between the look-up and the insert makes the insert fail and
    roll the whole batch back (IntegrityError; xapi_statements_check_and_record tries again)."""
    result = XAPIRecordResult()
    kept = [statement for statement in statements if statement.is_kept]
    already = _ids_already_kept(kept)
    fresh: list[ParsedStatement] = []
    for statement in statements:
        if not statement.is_kept:
            result.ignored.append(str(statement.statement_id))
        elif statement.statement_id in already:
            result.duplicates.append(str(statement.statement_id))
        else:
            already.add(statement.statement_id)  # the same id twice in one batch: kept once
            fresh.append(statement)
            result.stored.append(str(statement.statement_id))
    with transaction.atomic(savepoint=False):
        scored = [statement for statement in fresh if statement.has_score]
        attempts = QuizAttempt.objects.bulk_create(
            QuizAttempt(
                user=user,
                lesson=lessons[statement.lesson_id],
                quiz_id=statement.activity_id,
                kind=ExerciseKind.H5P,
                score=score_exact(statement.score_raw),
                max_score=score_exact(statement.score_max),
            )
            for statement in scored
        )
        attempt_of = {
            statement.statement_id: a for statement, a in zip(scored, attempts, strict=True)
        }
        XAPIStatement.objects.bulk_create(
            XAPIStatement(
                statement_id=statement.statement_id,
                user=user,
                lesson=lessons[statement.lesson_id],
                activity_id=statement.activity_id,
                verb=statement.verb,
                score_raw=statement.score_raw,
                score_max=statement.score_max,
                success=statement.success,
                completion=statement.completion,
                payload=statement.payload,
                attempt=attempt_of.get(statement.statement_id),
            )
            for statement in fresh
        )
        for lesson_id in dict.fromkeys(statement.lesson_id for statement in scored):
            lesson_progress_touch(user=user, lesson=lessons[lesson_id])
    return result
