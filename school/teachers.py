"""Teachers' accounts: sign-up with a confirmed address, joining a school on approval, and the
export and erasure of a teacher's own data (services and selectors of these, in one place).

Three rules run through it:

- An account made at sign-up is inactive (Django's backends refuse it) until its owner follows
  the link sent to the address: `email_confirmation_token` signs it with a time limit
  (PASSWORD_RESET_TIMEOUT) and hashes the confirmation state, so a link works once.
- Signing up answers the same, and sends one e-mail, whether the address had an account or not:
  the owner of an existing account is told that someone tried, and pointed to the password reset;
  an account never confirmed gets its confirmation link again. Both branches hash the password,
  so that the time taken does not tell either.
- A teacher belongs to a school (School.teachers, which every permission reads) only once an
  approved teacher of that school, or an administrator, approves their SchoolMembershipRequest;
  a school created by a sign-up (unknown UAI) is vetted by an administrator."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, ErrorKind
from .models import Classroom, School, SchoolMembershipRequest, User
from .permissions import is_administrator, is_teacher

MEMBERSHIP_ALREADY_DECIDED = "membership_already_decided"
ERASE_SOLE_TEACHER = "erase_sole_teacher"
ERASE_ADMINISTRATOR = "erase_administrator"

ERROR_MESSAGES = {
    MEMBERSHIP_ALREADY_DECIDED: _("Cette demande a déjà reçu une réponse."),
    ERASE_SOLE_TEACHER: _(
        "Vous êtes le seul enseignant ou la seule enseignante d'une classe en cours : "
        "archivez-la ou ajoutez-y un ou une collègue avant de supprimer votre compte."
    ),
    ERASE_ADMINISTRATOR: _(
        "Un compte d'administration ne se supprime pas lui-même : demandez-le à un autre "
        "administrateur ou une autre administratrice."
    ),
}
ERROR_KINDS = {
    MEMBERSHIP_ALREADY_DECIDED: ErrorKind.CONFLICT,
    ERASE_SOLE_TEACHER: ErrorKind.CONFLICT,
    ERASE_ADMINISTRATOR: ErrorKind.FORBIDDEN,
}


class TeacherError(DomainError):
    messages = ERROR_MESSAGES
    kinds = ERROR_KINDS


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A password-reset token of its own kind (another salt), over the confirmation state: once
    the address is confirmed, or the account activated, the link no longer works."""

    key_salt = "school.teachers.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        confirmed = "" if user.email_confirmed_at is None else user.email_confirmed_at.isoformat()
        return f"{user.pk}{user.email}{user.is_active}{confirmed}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def teacher_is_unconfirmed(user) -> bool:
    """Signed up and never confirmed. Accounts made otherwise (the admin, createsuperuser, test
    factories) have no request to join a school: deactivated, they stay so."""
    return (
        not user.is_active
        and user.email_confirmed_at is None
        and SchoolMembershipRequest.objects.filter(teacher=user).exists()
    )


# --- E-mails -----------------------------------------------------------------------------------


def _email_send(*, to: list[str], template: str, context: dict) -> None:
    """One plain-text e-mail from school/emails/<template>.txt, whose first line is the subject."""
    subject, _blank, body = render_to_string(f"school/emails/{template}.txt", context).partition(
        "\n"
    )
    send_mail(
        settings.EMAIL_SUBJECT_PREFIX + subject.strip(),
        body.strip() + "\n",
        None,
        to,
        fail_silently=False,
    )


def _confirmation_link(*, user, site_url: str) -> str:
    path = reverse(
        "school:teacher_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_confirmation_token.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def _confirmation_send(*, user, site_url: str) -> None:
    _email_send(
        to=[user.email],
        template="signup_confirm",
        context={
            "link": _confirmation_link(user=user, site_url=site_url),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


# --- Sign-up and confirmation ------------------------------------------------------------------


@dataclass(frozen=True)
class NewSchool:
    """What a teacher told us of a school whose UAI was not known yet."""

    name: str
    commune: str
    departement: object  # a Departement, or None abroad
    country: str


def _account_by_email(email: str) -> User | None:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()


def teacher_signup(
    *,
    email: str,
    password: str,
    display_name: str,
    uai: str,
    new_school: NewSchool | None,
    site_url: str,
) -> User | None:
    """Sign a teacher up, or tell the owner of the address: one e-mail either way, the same
    answer for the caller (which must not show the return value, None for an existing one).

    A new account is inactive, with a pending request to join the school of `uai` (created from
    `new_school` when unknown); nothing changes for an existing address."""
    existing = _account_by_email(email)
    if existing is not None:
        # As costly as creating the account, so that the time taken does not tell.
        make_password(password)
        if teacher_is_unconfirmed(existing):
            _confirmation_send(user=existing, site_url=site_url)
        else:
            _email_send(
                to=[existing.email or email],
                template="signup_existing",
                context={
                    "login_link": site_url.rstrip("/") + reverse("login"),
                    "reset_link": site_url.rstrip("/") + reverse("school:password_reset"),
                },
            )
        return None
    user = _teacher_create(
        email=email, password=password, display_name=display_name, uai=uai, new_school=new_school
    )
    _confirmation_send(user=user, site_url=site_url)
    return user


@transaction.atomic
def _teacher_create(
    *, email: str, password: str, display_name: str, uai: str, new_school: NewSchool | None
) -> User:
    school = School.objects.filter(uai=uai).first()
    school_created = False
    if school is None:
        school, school_created = School.objects.get_or_create(
            uai=uai,
            defaults={
                "name": new_school.name.strip(),
                "commune": new_school.commune.strip(),
                "departement": new_school.departement,
                "country": new_school.country,
            },
        )
    user = User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=display_name.strip(),
        role=User.Role.TEACHER,
        is_active=False,
    )
    SchoolMembershipRequest.objects.create(
        school=school, teacher=user, school_created=school_created
    )
    return user


def teacher_by_confirmation_link(*, uidb64: str, token: str) -> User | None:
    """The unconfirmed account a confirmation link is for, or None for any bad or used link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not teacher_is_unconfirmed(user):
        return None
    return user if email_confirmation_token.check_token(user, token) else None


def teacher_email_confirm(*, user, site_url: str) -> None:
    """The address is confirmed: the account may log in, and its requests reach the deciders."""
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    for membership_request in membership_requests_of(user=user).filter(
        status=SchoolMembershipRequest.Status.PENDING
    ):
        _new_request_announce(membership_request=membership_request, site_url=site_url)


def _new_request_announce(*, membership_request, site_url: str) -> None:
    deciders = membership_request_deciders(membership_request=membership_request)
    emails = sorted({u.email for u in deciders if u.email})
    if emails:
        _email_send(
            to=emails,
            template="membership_new",
            context={
                "teacher": membership_request.teacher,
                "school": membership_request.school,
                "link": site_url.rstrip("/") + reverse("school:membership_requests"),
            },
        )


def teachers_purge_unconfirmed(*, older_than: timedelta) -> int:
    """Sign-ups never confirmed within `older_than` (past their link's validity) are deleted,
    with the schools that only their requests had created (no teacher, no class): an
    unconfirmed sign-up holds no school's UAI for long."""
    cutoff = timezone.now() - older_than
    stale = User.objects.filter(
        is_active=False,
        email_confirmed_at__isnull=True,
        date_joined__lt=cutoff,
        school_membership_requests__isnull=False,
    ).distinct()
    school_ids = set(
        SchoolMembershipRequest.objects.filter(teacher__in=stale, school_created=True).values_list(
            "school_id", flat=True
        )
    )
    user_ids = list(stale.values_list("pk", flat=True))
    with transaction.atomic():
        User.objects.filter(pk__in=user_ids).delete()
        School.objects.filter(
            pk__in=school_ids,
            teachers__isnull=True,
            classrooms__isnull=True,
            membership_requests__isnull=True,
        ).delete()
    return len(user_ids)


# --- Joining a school --------------------------------------------------------------------------


def administrators() -> QuerySet[User]:
    return User.objects.filter(Q(role=User.Role.ADMIN) | Q(is_superuser=True), is_active=True)


def membership_request_deciders(*, membership_request) -> QuerySet[User]:
    """Who may approve: the school's approved teachers unless the request created the school,
    and the administrators (see permissions.can_decide_membership_request)."""
    if membership_request.school_created:
        return administrators()
    return User.objects.filter(
        Q(pk__in=membership_request.school.teachers.filter(is_active=True).values("pk"))
        | Q(pk__in=administrators().values("pk"))
    )


def membership_requests_to_decide(*, user) -> QuerySet[SchoolMembershipRequest]:
    """The pending requests `user` may decide, from confirmed accounts only, oldest first."""
    pending = SchoolMembershipRequest.objects.filter(
        status=SchoolMembershipRequest.Status.PENDING, teacher__is_active=True
    ).select_related("school", "teacher")
    if is_administrator(user):
        return pending
    if is_teacher(user):
        return pending.filter(school__teachers=user, school_created=False).exclude(teacher=user)
    return pending.none()


def membership_requests_of(*, user) -> QuerySet[SchoolMembershipRequest]:
    return SchoolMembershipRequest.objects.filter(teacher=user).select_related("school")


def membership_request_decide(*, membership_request, by, approve: bool, site_url: str) -> None:
    """Approve (the teacher joins the school) or refuse; the requester is told by e-mail. The
    caller has checked permissions.can_decide_membership_request."""
    with transaction.atomic():
        locked = SchoolMembershipRequest.objects.select_for_update().get(pk=membership_request.pk)
        if locked.status != SchoolMembershipRequest.Status.PENDING:
            raise TeacherError(MEMBERSHIP_ALREADY_DECIDED)
        locked.status = (
            SchoolMembershipRequest.Status.APPROVED
            if approve
            else SchoolMembershipRequest.Status.REFUSED
        )
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            locked.school.teachers.add(locked.teacher)
    _email_send(
        to=[locked.teacher.email],
        template="membership_decided",
        context={
            "approved": approve,
            "school": locked.school,
            "link": site_url.rstrip("/") + reverse("school:classroom_list"),
        },
    )


# --- Export and erasure of a teacher's own data ------------------------------------------------

_exporters: dict[str, Callable] = {}


def teacher_exporter_register(name: str, exporter: Callable) -> None:
    """exporter(user) -> JSON-serialisable data that `user` created (consultations, debates…),
    registered by the apps that hold it, as school.privacy does for pupils."""
    _exporters[name] = exporter


def teacher_data_export(*, user) -> dict:
    """A teacher's (or editor's) own data: never a pupil's secret, pseudonym or vote."""
    data = {
        "compte": {
            "adresse_electronique": user.email,
            "nom_affiche": user.get_full_name(),
            "role": user.get_role_display(),
            "cree_le": user.date_joined.isoformat(),
            "adresse_confirmee_le": (
                user.email_confirmed_at.isoformat() if user.email_confirmed_at else None
            ),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        },
        "etablissements": [
            {"uai": school.uai, "nom": school.name, "commune": school.commune}
            for school in user.schools.order_by("name")
        ],
        "demandes_de_rattachement": [
            {
                "etablissement": request.school.uai,
                "etat": request.get_status_display(),
                "demandee_le": request.created_at.isoformat(),
                "decidee_le": request.decided_at.isoformat() if request.decided_at else None,
            }
            for request in membership_requests_of(user=user).order_by("created_at")
        ],
        "classes": [
            {
                "nom": classroom.name,
                "niveau": classroom.get_level_display(),
                "annee_scolaire": classroom.school_year_label,
                "etablissement": classroom.school.uai,
                "archivee_le": classroom.archived_at.isoformat() if classroom.archived_at else None,
            }
            for classroom in user.classrooms.select_related("school").order_by("-school_year")
        ],
    }
    for name, exporter in sorted(_exporters.items()):
        data[name] = exporter(user)
    return data


def classrooms_taught_alone(*, user) -> QuerySet[Classroom]:
    """The active classes of which `user` is the only teacher: erasing the account would leave
    their pupils with nobody to manage them, so it waits until they are archived (their pupils
    are then purged after the retention delay) or shared with a colleague."""
    # Counted over all the class's teachers, not over the join that found `user`'s classes.
    return (
        Classroom.objects.filter(
            pk__in=Classroom.objects.filter(teachers=user, archived_at__isnull=True).values("pk")
        )
        .annotate(teacher_count=Count("teachers"))
        .filter(teacher_count=1)
        .order_by("name")
    )


def teacher_check_and_erase(*, user) -> None:
    """Erase a teacher's (or editor's) account: the classes they shared stay with their
    colleagues, their archived classes with nobody but the administrators until the retention
    purge; consultations and debates they created stay with their classes (owner SET_NULL);
    their sessions, login-attempt records and API tokens (CASCADE) go with them."""
    if is_administrator(user):
        raise TeacherError(ERASE_ADMINISTRATOR)
    if classrooms_taught_alone(user=user).exists():
        raise TeacherError(ERASE_SOLE_TEACHER)
    teacher_erase(user=user)


@transaction.atomic
def teacher_erase(*, user) -> None:
    from .services import _login_records_delete

    _login_records_delete(usernames=sorted({user.username, user.email} - {""}))
    user.delete()
