"""Writes for xAPI: statements from H5P players become attempts and progress, as quizzes do."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import ExerciseKind, LessonPage, QuizAttempt, XAPIStatement
from ..xapi import XAPI_UNKNOWN_ACTIVITY, ParsedStatement, XAPIStatementError
from .progress import lesson_progress_touch


@dataclass
class XAPIRecordResult:
    stored: list = field(default_factory=list)  # statement ids kept now
    duplicates: list = field(default_factory=list)  # already kept: a replay changes nothing
    ignored: list = field(default_factory=list)  # acknowledged, not meaningful for progress


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
            raise XAPIStatementError(
                XAPI_UNKNOWN_ACTIVITY,
                _("Déclaration n° %(n)s : cette activité n'existe pas ou n'est pas publiée.")
                % {"n": index + 1},
                index=index,
            )
    return lessons


def xapi_statements_check_and_record(*, user, statements: list[ParsedStatement]):
    """Check that every statement names a published activity, then record them all. Raises
    XAPIStatementError (nothing stored) otherwise."""
    lessons = _lessons_with_activities(statements)
    return xapi_statements_record(user=user, statements=statements, lessons=lessons)


def xapi_statements_record(
    *, user, statements: list[ParsedStatement], lessons: dict[int, LessonPage]
) -> XAPIRecordResult:
    """Keep each meaningful statement once (its id is unique in the database, so a replay,
    even a concurrent one, is a no-op); a scored one is an attempt at the activity. The
    statement's actor was dropped by the parser: `user` is the actor."""
    result = XAPIRecordResult()
    touched: set[int] = set()
    with transaction.atomic():
        for statement in statements:
            if not statement.is_kept:
                result.ignored.append(str(statement.statement_id))
                continue
            lesson = lessons[statement.lesson_id]
            maximum = round(statement.score_max) if statement.has_score else 0
            try:
                # Attempt and statement stand or fall together: a replay rolls both back.
                with transaction.atomic():
                    attempt = None
                    if maximum > 0:
                        attempt = QuizAttempt.objects.create(
                            user=user,
                            lesson=lesson,
                            quiz_id=statement.activity_id,
                            kind=ExerciseKind.H5P,
                            score=min(round(statement.score_raw), maximum),
                            max_score=maximum,
                        )
                    XAPIStatement.objects.create(
                        statement_id=statement.statement_id,
                        user=user,
                        lesson=lesson,
                        activity_id=statement.activity_id,
                        verb=statement.verb,
                        score_raw=statement.score_raw,
                        score_max=statement.score_max,
                        success=statement.success,
                        completion=statement.completion,
                        payload=statement.payload,
                        attempt=attempt,
                    )
            except IntegrityError:
                result.duplicates.append(str(statement.statement_id))
                continue
            result.stored.append(str(statement.statement_id))
            if attempt is not None:
                touched.add(lesson.pk)
        for lesson_id in touched:
            lesson_progress_touch(user=user, lesson=lessons[lesson_id])
    return result
