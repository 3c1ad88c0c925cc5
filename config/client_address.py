"""The client's address, as the outermost trusted proxy saw it.

Each reverse proxy in front of the site appends the address it received the request from to
X-Forwarded-For; anything to the left of what the trusted ones appended was written by the client
and proves nothing. With HEMICYCLE_TRUSTED_PROXIES = N, the N-th address from the right is the
one the outermost trusted proxy saw; with 0, the header is ignored. Throttles and lockouts count
against this address (DRF's throttles through REST_FRAMEWORK["NUM_PROXIES"], set from the same
setting)."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address that throttles and lockouts should count against; REMOTE_ADDR when the header
    is absent, shorter than the proxies trusted, or not an address where one is expected."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.HEMICYCLE_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = forwarded.split(",")
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies].strip()))
    except ValueError:
        return remote
