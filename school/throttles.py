"""Throttles on the requests that cost a password hash: logins, joining a class, the API token,
sign-up, password reset. Each costs ~0.5 s of CPU (PBKDF2) when it reaches the hasher, so the
count is taken before: a refused request answers 429 having hashed nothing.

Two fixed-window counters per request, in HEMICYCLE_LOGIN_RATES:
- per client address and scope ("address"): a school behind one NAT address lets a whole class
  in (35 pupils at once), and one client cannot guess join codes or secrets faster than that.
  IPv6 addresses count by /64, the block one subscriber usually gets.
- over the whole site ("global", all scopes together): bounds the CPU that hashing may take,
  whatever the number of addresses. Refusals by the first counter do not count against it.

The counters live in the "throttles" cache (Redis in production, shared by every process). That
cache raises its errors rather than failing open like the default one: while Redis is
unreachable, each process counts in its own memory instead (for HEMICYCLE_THROTTLE_FALLBACK_SECONDS
before trying Redis again), so the limits still hold, multiplied at worst by the number of
processes, and no request waits for Redis more than once in that while."""

import functools
import ipaddress
import logging
import math
import re
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import BaseThrottle

from config.client_address import client_address

logger = logging.getLogger(__name__)

SCOPE_PUPIL_LOGIN = "pupil_login"
SCOPE_PUPIL_JOIN = "pupil_join"
SCOPE_TEACHER_LOGIN = "teacher_login"
SCOPE_API_TOKEN = "api_token"  # noqa: S105 (a scope name, not a secret)
SCOPE_SIGNUP = "signup"
SCOPE_PASSWORD_RESET = "password_reset"  # noqa: S105

THROTTLED_MESSAGE = _(
    "Trop de tentatives en peu de temps depuis cette connexion. Patiente un instant, puis réessaie."
)

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """ "60/min" -> (60, 60): how many requests per how many seconds."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"a rate reads like '60/min', not {rate!r}")
    return int(match.group(1)), _PERIODS[match.group(2)[0]]


def _address_bucket(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


class _LocalCounters:
    """Fixed-window counters in this process's memory, while the shared cache is unreachable."""

    def __init__(self):
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            expires, count = self._counts.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + timeout, 0
            self._counts[key] = (expires, count + 1)
            return count + 1

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_local = _LocalCounters()
_shared_down_until = 0.0


def _shared_incr(key: str, timeout: int) -> int:
    cache = caches[settings.HEMICYCLE_THROTTLE_CACHE]
    cache.add(key, 0, timeout)
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        value = 1
    if not isinstance(value, int):  # a cache that swallows its errors answers None
        raise ConnectionError("the throttle cache answered nothing")
    return value


def _incr(key: str, timeout: int) -> int:
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        try:
            return _shared_incr(key, timeout)
        except Exception as error:  # any cache failure: count locally (module docstring)
            _shared_down_until = time.monotonic() + settings.HEMICYCLE_THROTTLE_FALLBACK_SECONDS
            logger.warning("throttle cache unreachable, counting in memory: %s", error)
    return _local.incr(key, timeout)


def _rates(scope: str) -> tuple[str, str]:
    rates = settings.HEMICYCLE_LOGIN_RATES
    scoped = settings.HEMICYCLE_THROTTLE_SCOPE_RATES.get(scope, {})
    return scoped.get("address", rates["address"]), rates["global"]


def _clock() -> float:
    return time.time()


def throttle_hit(*, scope: str, address: str) -> int | None:
    """Count one attempt of `scope` from `address`: None if it may go on, else how many seconds
    to wait before the window that refused it ends."""
    now = _clock()
    address_rate, global_rate = _rates(scope)
    for name, rate in ((f"{scope}:{_address_bucket(address)}", address_rate), ("*", global_rate)):
        limit, period = rate_parse(rate)
        window = int(now // period)
        if _incr(f"throttle:{name}:{period}:{window}", period + 1) > limit:
            return max(1, math.ceil((window + 1) * period - now))
    return None


def throttled_response(request, retry_after: int) -> TemplateResponse:
    response = TemplateResponse(
        request,
        "school/throttled.html",
        {"message": THROTTLED_MESSAGE, "retry_after": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def throttled(scope: str, *, methods: tuple[str, ...] = ("POST",)):
    """For a view that hashes a password on `methods`: count each such request (throttle_hit)
    before the view runs, and answer 429 with Retry-After past the limit. Pages that are only
    shown (GET) are not counted."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = throttle_hit(scope=scope, address=client_address(request))
                if wait is not None:
                    return throttled_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HashingRateThrottle(BaseThrottle):
    """The same counters for a DRF view (the API token endpoint): add it to the view's
    throttle_classes, with `scope` set (SCOPE_API_TOKEN by default). DRF answers 429 with
    Retry-After through the API's error handler."""

    scope = SCOPE_API_TOKEN

    def allow_request(self, request, view) -> bool:
        self._wait = throttle_hit(scope=self.scope, address=client_address(request))
        return self._wait is None

    def wait(self):
        return self._wait
