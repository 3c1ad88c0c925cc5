"""The site's URLs plus views that fail in each way, for tests/config/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path

from config.urls import handler500  # noqa: F401  (the handler is looked up on ROOT_URLCONF)


def refused(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("test")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("tests/refuse/", refused),
    path("tests/suspect/", suspicious),
    path("tests/casse/", broken),
    path("", include("config.urls")),
]
