"""Pupil login: class code + pseudonym + secret. No email, no real name."""

import hashlib
import hmac
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from .models import PupilProfile
from .pseudonyms import join_code_normalise


def pupil_pseudonym_key(pseudonym) -> str:
    """Case and runs of spaces do not make a different pseudonym."""
    return " ".join((pseudonym or "").split()).lower()


def axes_username(request, credentials) -> str:
    """What django-axes counts failures against: the username, or for a pupil a keyed hash of
    class code + pseudonym, so the failure log never holds a pseudonym in clear."""
    credentials = credentials or {}
    if credentials.get("class_code") is not None:
        code = join_code_normalise(credentials.get("class_code", ""))
        key = f"{code}:{pupil_pseudonym_key(credentials.get('pseudonym'))}"
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
                pseudonym__iexact=" ".join(pseudonym.split()),
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
