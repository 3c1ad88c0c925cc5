"""Pupil login: class code + pseudonym + secret. No email, no real name."""

import hashlib
import hmac
import threading

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.http import QueryDict

from .models import PupilProfile
from .pseudonyms import join_code_normalise, pseudonym_canonical


def axes_username(request, credentials) -> str:
    """What django-axes counts failures against: the username, or for a pupil a keyed hash of
    class code + the pseudonym's canonical form (the one login compares), so that every
    variant of a pseudonym counts against one counter and the failure log never holds a
    pseudonym in clear."""
    credentials = credentials or {}
    if credentials.get("class_code") is not None:
        code = join_code_normalise(credentials.get("class_code", ""))
        key = f"{code}:{pseudonym_canonical(credentials.get('pseudonym') or '')}"
        digest = hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256)
        return f"pupil:{digest.hexdigest()[:40]}"
    return credentials.get("username") or ""


_USER_BY_PK: dict[str, tuple] = {}
_USER_BY_PK_LOCK = threading.Lock()


def _user_by_pk_statement(alias: str) -> tuple:
    """(query, sql, columns, attnames) of `User._default_manager.filter(pk=…)`, compiled once
    per database: plain data, shared by every thread."""
    statement = _USER_BY_PK.get(alias)
    if statement is None:
        key = 0  # stands for the primary key in the compiled statement
        query = get_user_model()._default_manager.filter(pk=key).query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [key]:
            raise ValueError(f"the user lookup takes one parameter, not {params!r}")
        columns = [column for column, _sql, _alias in compiler.select]
        statement = (query, sql, columns, [column.target.attname for column in columns])
        with _USER_BY_PK_LOCK:
            _USER_BY_PK[alias] = statement
    return statement


def user_by_pk(pk: int):
    """The user with this primary key, or None: what `User._default_manager.get(pk=pk)` gives
    (same SQL, same conversions of the columns, same instance), for the lookup that every
    request of a logged-in user makes. The ORM would build and compile that query each time;
    it is compiled once here and only run with the new key."""
    model = get_user_model()
    alias = router.db_for_read(model)
    query, sql, columns, attnames = _user_by_pk_statement(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [model._meta.pk.get_prep_value(pk)])
        row = cursor.fetchone()
    if row is None:
        return None
    compiler = query.get_compiler(using=alias)
    converters = compiler.get_converters(columns)
    if converters:
        row = next(iter(compiler.apply_converters([row], converters)))
    return model.from_db(alias, attnames, row)


class PupilBackend(ModelBackend):
    def authenticate(self, request, class_code=None, pseudonym=None, secret=None, **kwargs):
        if class_code is None or pseudonym is None or secret is None:
            return None
        profile = (
            PupilProfile.objects.select_related("user", "classroom")
            .filter(
                classroom__join_code=join_code_normalise(class_code),
                classroom__archived_at__isnull=True,
                pseudonym_key=pseudonym_canonical(pseudonym),
            )
            .first()
        )
        if profile is None:
            # Same cost as a real check, so timing does not reveal which pseudonyms exist.
            get_user_model()().set_password(secret)
            return None
        user = profile.user
        if user.check_password(secret) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """Run on every request of a logged-in pupil: ModelBackend's, by user_by_pk."""
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class _WithoutFormData:
    """A request as django-axes's handler may see it: everything but what was typed (its form
    data and query string read as empty). Attributes the handler sets (axes_locked_out, …) go
    to the real request, where the middleware reads them. Works for Django's HttpRequest and
    DRF's Request alike (the latter's POST cannot be replaced)."""

    POST = property(lambda self: QueryDict())
    GET = property(lambda self: QueryDict())

    def __init__(self, request):
        object.__setattr__(self, "_hemicycle_request", request)

    def __getattr__(self, name):
        return getattr(self._hemicycle_request, name)

    def __setattr__(self, name, value):
        setattr(self._hemicycle_request, name, value)


class AxesHandler(AxesDatabaseHandler):
    """django-axes's database handler, blind to the login form: it would store the request's
    form data (the pupil's secret, a mistyped password, the pseudonym) in
    AccessAttempt.post_data, and the query string in get_data. What it counts against is the
    username (a keyed hash for pupils) and the address; nothing typed is kept."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None:
            request = _WithoutFormData(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)
