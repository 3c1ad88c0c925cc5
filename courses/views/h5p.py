"""H5P: the player page, the extracted files of a package, the content-user-data protocol and
activity IRIs.

Who could misuse the player, and what stops them. Anything in a package runs as code: its
libraries' JavaScript, and whatever HTML its content.json smuggles past the editor. An editor's
upload, a compromised package from the hub, or a library with a flaw could otherwise act as the
pupil, teacher or administrator who opens the lesson (read /admin/users/, the class join codes
at /api/classes/, post answers, steal the session). So an activity never runs in the site's
origin: the lesson page frames h5p_player in `<iframe sandbox="allow-scripts">` (no
allow-same-origin: the frame's origin is opaque), so its requests carry no cookie, it cannot
read the site's pages, cookies, storage or the lesson page's DOM, nor submit forms, open
windows or navigate the top page; its policy (HEMICYCLE_H5P_PLAYER_CSP) lets it reach only the
site itself, and its files answer any origin (CORS without credentials) since they are public.
The player page holds nothing personal and is the same for everyone: the lesson page hands it
the pupil's saved state for this activity by postMessage, and it sends back statements and
states, which the lesson page checks (config/static/js/h5p-player.js: sender, kind, activity,
size, types) before sending them with the pupil's session. What a hostile package can still do
is lie about its own activity (its score, its saved state), which an editor who uploads it
could do anyway, and show what it wants inside its own frame.

Saving a state is throttled per user (H5PStateRateThrottle, HEMICYCLE_H5P_STATE_RATE) and bounded
in count and bytes per user (courses.services.h5p.h5p_state_save): a script looping on the
protocol gets 429s and fills nothing."""

import math
from pathlib import Path, PurePosixPath

from csp.decorators import csp
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.throttling import UserRateThrottle

from ..h5p.player import h5p_frame_config
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
    # The player runs in an opaque origin (h5p_player): its requests come from origin "null".
    # A package's files are public, and the frame sends no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    if extension == "pdf":
        response["Content-Disposition"] = "attachment"
    return response


@require_GET
@csp(settings.HEMICYCLE_H5P_PLAYER_CSP)
def h5p_player(request, lesson_pk, activity_id):
    """The page that plays one activity of a live lesson, framed by the lesson page with a
    sandbox (see the module's docstring). It waits for the lesson page's init message before
    building the player. Nothing personal: it may be cached."""
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=lesson_pk)
    block = next((b for b in lesson.body if b.block_type == "h5p" and b.id == activity_id), None)
    package = block.value["package"] if block is not None else None
    if package is None or not package.is_ready:
        raise Http404
    config = h5p_frame_config(
        request=request, lesson=lesson, activity_id=activity_id, package=package
    )
    response = TemplateResponse(
        request,
        "courses/h5p_player.html",
        {"config": config, "title": block.value["title"] or package.title},
    )
    response["Cache-Control"] = "public, max-age=300"
    # The frame's origin is opaque: "self" would name nothing. The lesson page's iframe
    # attribute (allow="fullscreen") decides.
    response["Permissions-Policy"] = settings.HEMICYCLE_PERMISSIONS_POLICY.replace(
        "fullscreen=(self)", "fullscreen=*"
    )
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
