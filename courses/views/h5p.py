"""H5P: the extracted files of a package, the content-user-data protocol and activity IRIs.

Saving a state is throttled per user (H5PStateRateThrottle, HEMICYCLE_H5P_STATE_RATE) and bounded
in count and bytes per user (courses.services.h5p.h5p_state_save): a script looping on the
protocol gets 429s and fills nothing."""

import math
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.throttling import UserRateThrottle

from ..models import H5PPackage, LessonPage
from ..selectors import h5p_state_get
from ..services import (
    H5PStateError,
    h5p_content_dir,
    h5p_state_save,
)

# Served types, by extension: anything else in a package folder is not served, whatever it is.
H5P_CONTENT_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "svg": "image/svg+xml",
    "eot": "application/vnd.ms-fontobject",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "webm": "video/webm",
    "mp4": "video/mp4",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "csv": "text/plain; charset=utf-8",
    "diff": "text/plain; charset=utf-8",
    "patch": "text/plain; charset=utf-8",
    "xml": "text/plain; charset=utf-8",
    "pdf": "application/pdf",
}
# Opening a file of a package directly must not run anything: an SVG or a text file shown as a
# page gets no script, no plugin, and a sandbox.
H5P_FILE_CSP = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; font-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; sandbox"
)


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise Http404
    if "\\" in path or "\x00" in path:
        raise Http404
    return relative


@require_GET
def h5p_file(request, key, path):
    """A file of a ready package, with a strict content type, no sniffing and a CSP. The key
    changes with each upload, so a file never changes under its URL."""
    if (
        not path
        or not H5PPackage.objects.filter(content_key=key, status=H5PPackage.Status.READY).exists()
    ):
        raise Http404
    relative = _safe_relative(path)
    extension = relative.suffix.lower().lstrip(".")
    content_type = H5P_CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404
    root = h5p_content_dir(key=key).resolve()
    candidate = root / Path(*relative.parts)
    # Extraction never makes links: one found here was planted, and is not followed.
    if candidate.is_symlink():
        raise Http404
    target = candidate.resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = H5P_FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    if extension == "pdf":
        response["Content-Disposition"] = "attachment"
    return response


@require_GET
def h5p_activity(request, lesson_pk, activity_id):
    """The xAPI object IRI of an activity resolves to the activity in its lesson."""
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=lesson_pk)
    if activity_id not in lesson.h5p_activity_ids():
        raise Http404
    return HttpResponseRedirect(f"{lesson.url}#h5p-{activity_id}")


def _protocol_error(message: str, status: int, code: str = "") -> JsonResponse:
    body = {"success": False, "message": message}
    if code:
        body["code"] = code
    return JsonResponse(body, status=status)


H5P_STATE_THROTTLED = "h5p_state_throttled"


class H5PStateRateThrottle(UserRateThrottle):
    """Each user's state saves, at HEMICYCLE_H5P_STATE_RATE (read at each request), counted in
    the default cache as DRF's throttles are (so, like them, open while Redis is down: the
    per-user quotas in the database still hold then)."""

    scope = "h5p_state"

    def get_rate(self):
        return settings.HEMICYCLE_H5P_STATE_RATE


@require_http_methods(["GET", "POST"])
def h5p_state(request, lesson_pk, activity_id, data_type, sub_content_id):
    """H5P's content-user-data protocol, for the logged-in user only. GET answers
    {"success": true, "data": <state or false>}; POST takes the form fields data, preload and
    invalidate, data "0" deleting the state."""
    if not request.user.is_authenticated:
        return _protocol_error(_("Connecte-toi pour que ta progression soit enregistrée."), 403)
    lesson = LessonPage.objects.live().public().filter(pk=lesson_pk).first()
    if lesson is None:
        return _protocol_error(_("Cette activité n'existe pas."), 404)
    if request.method == "GET":
        if activity_id not in lesson.h5p_activity_ids():
            return _protocol_error(_("Cette activité n'existe pas."), 404)
        state = h5p_state_get(
            user=request.user,
            lesson=lesson,
            activity_id=activity_id,
            data_type=data_type,
            sub_content_id=sub_content_id,
        )
        return JsonResponse({"success": True, "data": state if state is not None else False})
    throttle = H5PStateRateThrottle()
    if not throttle.allow_request(request, None):
        wait = max(1, math.ceil(throttle.wait() or 1))
        response = _protocol_error(
            _("Trop d'enregistrements en peu de temps. Patiente un instant."),
            429,
            H5P_STATE_THROTTLED,
        )
        response["Retry-After"] = str(wait)
        return response
    data = request.POST.get("data")
    if data is None:
        return _protocol_error(_("Le champ « data » manque."), 400)
    try:
        h5p_state_save(
            user=request.user,
            lesson=lesson,
            activity_id=activity_id,
            data_type=data_type,
            sub_content_id=sub_content_id,
            data=data,
            preload=request.POST.get("preload") == "1",
            invalidate=request.POST.get("invalidate") == "1",
        )
    except H5PStateError as error:
        return _protocol_error(error.message, error.status, error.code)
    return JsonResponse({"success": True})
