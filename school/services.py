"""The only code that writes school state: classes, join codes, pupils, erasure and retention."""

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from school.errors import DomainError, ErrorKind

from .models import Classroom, PupilProfile, School, User
from .pseudonyms import (
    join_code_format,
    join_code_generate,
    join_code_normalise,
    pseudonym_generate,
    pseudonym_looks_like_a_name,
    pseudonym_script_ok,
    secret_generate,
)

logger = logging.getLogger(__name__)

# Unknown code, joining closed or past its time, class full or archived: the join form gives one
# answer for all, so that it never tells whether a code exists.
JOIN_REFUSED = "join_refused"
CLASSROOM_FULL = "classroom_full"
JOIN_DURATION_INVALID = "join_duration_invalid"
MAX_PUPILS_INVALID = "max_pupils_invalid"
CLASSROOM_ARCHIVED = "classroom_archived"
PSEUDONYM_TAKEN = "pseudonym_taken"
PSEUDONYM_INVALID = "pseudonym_invalid"
PSEUDONYM_SCRIPT = "pseudonym_script"
PSEUDONYM_REAL_NAME = "pseudonym_real_name"
MOVE_TO_OTHER_SCHOOL = "move_to_other_school"
CREDENTIALS_INVALID = "credentials_invalid"
API_TOKEN_REFUSED = "api_token_refused"  # noqa: S105 (an error code, not a secret)
API_TOKEN_LIMIT = "api_token_limit"  # noqa: S105 (an error code, not a secret)
LOCKED_OUT = "locked_out"

ERROR_MESSAGES = {
    JOIN_REFUSED: _(
        "Impossible de rejoindre une classe avec ce code : vérifie-le, et demande à ton "
        "enseignant si les inscriptions sont ouvertes."
    ),
    CLASSROOM_FULL: _(
        "La classe ne peut pas dépasser %(limit)s élèves : elle en a déjà %(count)s."
    ),
    JOIN_DURATION_INVALID: _("Choisissez une durée d'ouverture proposée."),
    MAX_PUPILS_INVALID: _("Choisissez un nombre d'élèves entre 1 et %(limit)s."),
    CLASSROOM_ARCHIVED: _("Cette classe est archivée."),
    PSEUDONYM_TAKEN: _("Ce pseudonyme est déjà pris dans la classe. Choisis-en un autre."),
    PSEUDONYM_INVALID: _(
        "Un pseudonyme fait de 3 à 40 caractères : lettres, chiffres, tirets ou espaces."
    ),
    PSEUDONYM_SCRIPT: _(
        "Utilise seulement les lettres de l'alphabet latin (accents permis), des chiffres, "
        "des tirets ou des espaces."
    ),
    PSEUDONYM_REAL_NAME: _(
        "Ce pseudonyme ressemble à un vrai nom. Pas de vrai nom ! Ajoute un nombre ou "
        "choisis-en un autre."
    ),
    MOVE_TO_OTHER_SCHOOL: _("Un élève ne peut changer que pour une classe du même établissement."),
    CREDENTIALS_INVALID: _("Identifiant ou mot de passe incorrect."),
    API_TOKEN_REFUSED: _("Les jetons d'API sont réservés aux enseignants."),
    API_TOKEN_LIMIT: _(
        "Vous avez déjà le nombre maximal de jetons d'API actifs : révoquez-en un d'abord."
    ),
    LOCKED_OUT: _("Trop de tentatives de connexion : réessayez dans quelques minutes."),
}
# What kind of refusal each code is (school.errors); the others are bad input.
ERROR_KINDS = {
    JOIN_REFUSED: ErrorKind.CONFLICT,
    CLASSROOM_FULL: ErrorKind.CONFLICT,
    CLASSROOM_ARCHIVED: ErrorKind.CONFLICT,
    PSEUDONYM_TAKEN: ErrorKind.CONFLICT,
    API_TOKEN_REFUSED: ErrorKind.FORBIDDEN,
    API_TOKEN_LIMIT: ErrorKind.CONFLICT,
    LOCKED_OUT: ErrorKind.RATE_LIMITED,
}
PSEUDONYM_MIN, PSEUDONYM_MAX = 3, 40


class SchoolError(DomainError):
    messages = ERROR_MESSAGES
    kinds = ERROR_KINDS


@dataclass(frozen=True)
class PupilCredentials:
    """What a login card shows. The secret exists in clear only here, once."""

    pupil: PupilProfile
    join_code: str
    pseudonym: str
    secret: str

    @property
    def join_code_display(self) -> str:
        return join_code_format(self.join_code)


def _unique_join_code() -> str:
    while True:
        code = join_code_generate()
        if not Classroom.objects.filter(join_code=code).exists():
            return code


def classroom_create(*, teacher, school: School, name: str, level: str, school_year: int):
    classroom = Classroom.objects.create(
        school=school,
        name=name.strip(),
        level=level,
        school_year=school_year,
        join_code=_unique_join_code(),
    )
    classroom.teachers.add(teacher)
    return classroom


def api_token_create(*, user) -> tuple[AuthToken, str]:
    """A new API token for `user` (a teacher: see permissions.can_obtain_api_token), valid for
    HEMICYCLE_API_TOKEN_DAYS. The token itself is returned here once; only its digest is kept.
    Refused while the user holds HEMICYCLE_API_TOKENS_PER_USER live tokens."""
    now = timezone.now()
    with transaction.atomic():
        # One creation at a time per user, so that concurrent requests cannot pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        AuthToken.objects.filter(user=user, expiry__lte=now).delete()
        if AuthToken.objects.filter(user=user).count() >= settings.HEMICYCLE_API_TOKENS_PER_USER:
            raise SchoolError(API_TOKEN_LIMIT)
        return AuthToken.objects.create(
            user=user, expiry=timedelta(days=settings.HEMICYCLE_API_TOKEN_DAYS)
        )


def api_token_revoke(*, user, key: str) -> bool:
    """Revoke one of `user`'s tokens by its key (its first characters, shown in the lists);
    False when `user` has no such token."""
    deleted, _by_model = AuthToken.objects.filter(user=user, token_key=key).delete()
    return deleted > 0


def api_tokens_revoke_all(*, user) -> int:
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


def _refuse_archived(classroom: Classroom) -> None:
    if classroom.is_archived:
        raise SchoolError(CLASSROOM_ARCHIVED)


def classroom_join_code_regenerate(*, classroom: Classroom) -> str:
    _refuse_archived(classroom)
    classroom.join_code = _unique_join_code()
    classroom.save(update_fields=["join_code"])
    return classroom.join_code


# What a teacher may choose when opening joining; joining always closes itself.
JOIN_DURATIONS = {
    "15min": (timedelta(minutes=15), _("15 minutes")),
    "1h": (timedelta(hours=1), _("1 heure")),
    "1j": (timedelta(days=1), _("1 jour")),
    "1sem": (timedelta(weeks=1), _("1 semaine")),
}
JOIN_DURATION_MAX = timedelta(weeks=1)


def classroom_join_open(*, classroom: Classroom, duration: timedelta) -> None:
    """Let pupils join with the code from now until `duration` has passed (at most a week)."""
    _refuse_archived(classroom)
    if not timedelta(0) < duration <= JOIN_DURATION_MAX:
        raise SchoolError(JOIN_DURATION_INVALID)
    classroom.join_enabled = True
    classroom.join_closes_at = timezone.now() + duration
    classroom.save(update_fields=["join_enabled", "join_closes_at"])


def classroom_join_close(*, classroom: Classroom) -> None:
    _refuse_archived(classroom)
    classroom.join_enabled = False
    classroom.join_closes_at = None
    classroom.save(update_fields=["join_enabled", "join_closes_at"])


def classroom_join_settings_update(
    *, classroom: Classroom, approval: bool, max_pupils: int | None
) -> None:
    """Whether newcomers wait for approval, and the class's own limit (None: the site's)."""
    _refuse_archived(classroom)
    ceiling = settings.HEMICYCLE_CLASS_MAX_PUPILS
    if max_pupils is not None and not 1 <= max_pupils <= ceiling:
        raise SchoolError(MAX_PUPILS_INVALID, limit=ceiling)
    classroom.join_approval = approval
    classroom.max_pupils = max_pupils
    classroom.save(update_fields=["join_approval", "max_pupils"])


def classroom_archive(*, classroom: Classroom) -> None:
    """End of the school year: no joining, no logging in; pupils purged after the delay."""
    if classroom.archived_at is None:
        classroom.archived_at = timezone.now()
        classroom.join_enabled = False
        classroom.save(update_fields=["archived_at", "join_enabled"])


def classroom_by_code(code: str) -> Classroom | None:
    return (
        Classroom.objects.select_related("school")
        .filter(join_code=join_code_normalise(code))
        .first()
    )


def _pseudonym_clean(pseudonym: str) -> str:
    """A pseudonym typed by a pupil or a teacher, as it will be stored (NFKC, spaces collapsed),
    or SchoolError: wrong length or characters, another script than Latin or a mix (look-alikes
    such as a Cyrillic "е"), or what reads as a real name ("Jean Dupont")."""
    value = " ".join(unicodedata.normalize("NFKC", pseudonym or "").split())
    allowed = all(ch.isalnum() or ch in "- " for ch in value)
    if not (PSEUDONYM_MIN <= len(value) <= PSEUDONYM_MAX) or not allowed:
        raise SchoolError(PSEUDONYM_INVALID)
    if not pseudonym_script_ok(value):
        raise SchoolError(PSEUDONYM_SCRIPT)
    if pseudonym_looks_like_a_name(value):
        raise SchoolError(PSEUDONYM_REAL_NAME)
    return value


def _classroom_lock(classroom_id: int) -> Classroom:
    """The class row, locked until the end of the transaction: pupils are counted and added
    under this lock, so that two pupils joining at once cannot both take the last seat."""
    return Classroom.objects.select_for_update().get(pk=classroom_id)


def _refuse_beyond_limit(classroom: Classroom, *, adding: int) -> None:
    count = classroom.pupils.count()
    if count + adding > classroom.pupils_limit:
        raise SchoolError(CLASSROOM_FULL, limit=classroom.pupils_limit, count=count)


def _pupil_create(
    *, classroom: Classroom, secret: str, password: str, approved: bool
) -> PupilCredentials:
    """Create a pupil account with a generated pseudonym, retried until free in the class.
    `password` is the secret already hashed: hashing is slow, and the caller holds a lock."""
    for _attempt in range(20):
        name = pseudonym_generate()
        try:
            with transaction.atomic():
                user = User(username=f"pupil-{secret_generate()}-{join_code_generate()}")
                user.role = User.Role.PUPIL
                user.password = password
                user.save()
                profile = PupilProfile.objects.create(
                    user=user,
                    classroom=classroom,
                    pseudonym=name,
                    approved_at=timezone.now() if approved else None,
                )
        except IntegrityError:
            continue
        return PupilCredentials(profile, classroom.join_code, name, secret)
    raise SchoolError(PSEUDONYM_TAKEN)


def _secrets_hashed(count: int) -> list[tuple[str, str]]:
    secrets = [secret_generate() for _ in range(count)]
    return [(secret, make_password(secret)) for secret in secrets]


def pupil_check_and_join(*, join_code: str) -> PupilCredentials:
    """A pupil joins a class with its code and receives a generated pseudonym; they wait for
    the teacher's approval when the class asks for it. Every refusal is JOIN_REFUSED, whatever
    its reason (unknown code, closed, full, archived), and leaves nothing behind."""
    # Hashed first, whatever the code: an unknown code must not answer faster than a known
    # one (the time would tell that it exists), and the class lock is held only to count and
    # write.
    [(secret, password)] = _secrets_hashed(1)
    code = join_code_normalise(join_code)
    candidate = Classroom.objects.filter(join_code=code).only("pk").first() if code else None
    if candidate is None:
        raise SchoolError(JOIN_REFUSED)
    with transaction.atomic():
        classroom = _classroom_lock(candidate.pk)
        if not classroom.join_is_open:
            raise SchoolError(JOIN_REFUSED)
        try:
            _refuse_beyond_limit(classroom, adding=1)
        except SchoolError:
            raise SchoolError(JOIN_REFUSED) from None
        return _pupil_create(
            classroom=classroom,
            secret=secret,
            password=password,
            approved=not classroom.join_approval,
        )


def pupils_bulk_create(*, classroom: Classroom, count: int) -> list[PupilCredentials]:
    """The teacher's own pupils: approved at once, within the class's size limit."""
    _refuse_archived(classroom)
    _refuse_beyond_limit(classroom, adding=count)  # before hashing, which is slow
    hashed = _secrets_hashed(count)
    with transaction.atomic():
        classroom = _classroom_lock(classroom.pk)
        _refuse_archived(classroom)
        _refuse_beyond_limit(classroom, adding=count)
        return [
            _pupil_create(classroom=classroom, secret=secret, password=password, approved=True)
            for secret, password in hashed
        ]


def pupils_approve(*, classroom: Classroom, user_ids: set[int] | None = None) -> int:
    """Accept the waiting pupils of the class (those of `user_ids`, or all); how many."""
    waiting = PupilProfile.objects.filter(classroom=classroom, approved_at__isnull=True)
    if user_ids is not None:
        waiting = waiting.filter(user_id__in=user_ids)
    return waiting.update(approved_at=timezone.now())


def pupil_rename(*, pupil: PupilProfile, pseudonym: str) -> None:
    """A teacher renames a pupil (a real name picked by mistake, a pseudonym that mocks): the
    pupil then logs in with the new pseudonym."""
    name = _pseudonym_clean(pseudonym)
    previous = pupil.pseudonym
    if name == previous:
        return
    _lockout_clear(pupils=[pupil])  # failures counted under the old pseudonym
    pupil.pseudonym = name
    try:
        with transaction.atomic():
            pupil.save()
    except IntegrityError:
        pupil.pseudonym = previous
        raise SchoolError(PSEUDONYM_TAKEN) from None


def pupil_secret_reset(*, pupil: PupilProfile) -> PupilCredentials:
    """A new secret. The pupil's sessions end with the old password hash: Django checks each
    session against the user's session auth hash (derived from the password hash) at its next
    request, so no session is looked for, let alone decoded, whatever their number."""
    secret = secret_generate()
    pupil.user.set_password(secret)
    pupil.user.save(update_fields=["password"])
    _lockout_clear(pupils=[pupil])
    return PupilCredentials(pupil, pupil.classroom.join_code, pupil.pseudonym, secret)


def pupils_unlock(*, classroom: Classroom, pupils: list[PupilProfile] | None = None) -> int:
    """The teacher lifts the lockout of some pupils of their class (all of them by default), at
    every address; returns how many login-failure records went."""
    if pupils is None:
        pupils = list(PupilProfile.objects.filter(classroom=classroom))
    return _lockout_clear(pupils=pupils, join_code=classroom.join_code)


def pupil_move(*, pupil: PupilProfile, classroom: Classroom) -> None:
    if classroom.school_id != pupil.classroom.school_id:
        raise SchoolError(MOVE_TO_OTHER_SCHOOL)
    if classroom.is_archived:
        raise SchoolError(CLASSROOM_ARCHIVED)
    try:
        with transaction.atomic():
            _refuse_beyond_limit(_classroom_lock(classroom.pk), adding=1)
            pupil.classroom = classroom
            pupil.save(update_fields=["classroom"])
    except IntegrityError:
        raise SchoolError(PSEUDONYM_TAKEN) from None


@transaction.atomic
def pupils_erase(*, user_ids: set[int]) -> int:
    """Erase pupils everywhere: the account and, by cascade, profile, quiz attempts, progress and
    anything else keyed to the user; login-attempt records too. Their sessions are not searched
    for: a session whose user no longer exists loads as anonymous (and holds nothing but the
    user's id), and it expires with the browser or clearsessions."""
    from .lockouts import pupil_lockout_key

    users = User.objects.filter(pk__in=user_ids, role=User.Role.PUPIL)
    usernames = list(users.values_list("username", flat=True))
    # Failed pupil logins are counted under "class code:pseudonym", not the internal username.
    login_keys = [
        pupil_lockout_key(join_code=code, pseudonym_key=key)
        for code, key in PupilProfile.objects.filter(user__in=users).values_list(
            "classroom__join_code", "pseudonym_key"
        )
    ]
    _login_records_delete(usernames=usernames + login_keys)
    count, _deleted = users.delete()
    return len(usernames)


def _lockout_clear(*, pupils: list[PupilProfile], join_code: str | None = None) -> int:
    """Lift the lockout on these pupils' login (their failure records at every address)."""
    from axes.models import AccessAttempt

    from .lockouts import pupil_lockout_key

    keys = [
        pupil_lockout_key(
            join_code=join_code or pupil.classroom.join_code, pseudonym_key=pupil.pseudonym_key
        )
        for pupil in pupils
    ]
    count, _deleted = AccessAttempt.objects.filter(username__in=keys).delete()
    return count


def _login_records_delete(*, usernames: list[str]) -> None:
    from django.apps import apps

    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__in=usernames).delete()


def pupils_purge_archived(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Retention: erase the pupils of classes archived more than `older_than` ago (idempotent)."""
    cutoff = (now or timezone.now()) - older_than
    user_ids = set(
        PupilProfile.objects.filter(
            classroom__archived_at__isnull=False, classroom__archived_at__lt=cutoff
        ).values_list("user_id", flat=True)
    )
    return pupils_erase(user_ids=user_ids) if user_ids else 0


# --- End of the school year -------------------------------------------------------------------


@dataclass(frozen=True)
class YearEnd:
    reminded: int
    archived: int


def _year_end_remind(*, classroom: Classroom, end, now: datetime) -> bool:
    """Tell the class's teachers, once: the row is claimed by an UPDATE that only one run wins,
    and the e-mails leave after the commit. Only confirmed teachers with an address (an
    unconfirmed sign-up is inactive) are written to; the claim is made even when there is none,
    so that the class is not looked at again."""
    from .tasks import email_send

    claimed = Classroom.objects.filter(pk=classroom.pk, year_end_reminded_at__isnull=True).update(
        year_end_reminded_at=now
    )
    if not claimed:
        return False
    recipients = list(
        classroom.teachers.filter(is_active=True, role=User.Role.TEACHER)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    context = {
        "classroom": classroom,
        "end": formats.date_format(end, "j F Y"),
        "retention_days": settings.HEMICYCLE_PUPIL_RETENTION_DAYS,
    }
    subject, _blank, body = render_to_string(
        "school/emails/year_end_reminder.txt", context
    ).partition("\n")
    for address in recipients:
        transaction.on_commit(
            lambda address=address: email_send.delay(
                subject=settings.EMAIL_SUBJECT_PREFIX + subject.strip(),
                body=body.strip() + "\n",
                to=[address],
            )
        )
    return True


@transaction.atomic
def classrooms_year_end(*, now: datetime | None = None) -> YearEnd:
    """The end of the school year, run every day by beat (idempotent).

    A class still active is archived on its selectors.classroom_year_end (the last day of its
    school year, settings.HEMICYCLE_SCHOOL_YEAR_END, or the next year's for a class created
    less than HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS before it); its teachers are reminded once,
    from HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS before that day (on the day itself when beat did
    not run earlier). Its pupils are then erased by pupils_purge_archived after
    HEMICYCLE_PUPIL_RETENTION_DAYS. Classes of later years and archived ones are left alone."""
    from .selectors import classroom_year_end

    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=settings.HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS)
    reminded = archived = 0
    # A school year ends in the calendar year after its start: later ones cannot be due.
    candidates = Classroom.objects.filter(
        archived_at__isnull=True, school_year__lt=horizon.year
    ).order_by("pk")
    for classroom in candidates:
        end = classroom_year_end(classroom=classroom)
        if end > horizon:
            continue
        if classroom.year_end_reminded_at is None:
            reminded += _year_end_remind(classroom=classroom, end=end, now=now)
        if end <= today:
            archived += Classroom.objects.filter(pk=classroom.pk, archived_at__isnull=True).update(
                archived_at=now, join_enabled=False
            )
    if reminded or archived:
        logger.info("school year end: %s classes reminded, %s archived", reminded, archived)
    return YearEnd(reminded=reminded, archived=archived)
