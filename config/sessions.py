"""Sessions read from the cache (Redis) and written through to the database: Django's cached_db,
whose cached copy lives HEMICYCLE_SESSION_CACHE_SECONDS at most.

The cache fails open (settings.CACHES), so while Redis is unreachable a session is read from and
written to the database alone. A session deleted meanwhile (a logout, an erasure) is gone from the
database but not from Redis, which did not hear the delete: once Redis is back, that stale copy
would let the session's cookie in again until it expired, two weeks later with Django's lifetime.
So is a copy a Redis restart reloads from an older snapshot. The short lifetime bounds both, for
the price of one database read per user every few minutes."""

from django.conf import settings
from django.contrib.sessions.backends import cached_db


class _ShortLivedCopies:
    """The session cache, with every copy's lifetime capped."""

    def __init__(self, cache, seconds: int):
        self._cache = cache
        self._seconds = seconds

    def _capped(self, timeout):
        return self._seconds if timeout is None else min(timeout, self._seconds)

    def set(self, key, value, timeout=None, **kwargs):
        return self._cache.set(key, value, self._capped(timeout), **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        return await self._cache.aset(key, value, self._capped(timeout), **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __str__(self):
        return str(self._cache)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLivedCopies(self._cache, settings.HEMICYCLE_SESSION_CACHE_SECONDS)
