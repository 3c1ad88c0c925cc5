"""What the lesson page and the H5P player page are given (config/static/js/h5p-player.js on
the lesson page, config/static/js/h5p-lecteur.js in the sandboxed player frame)."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _


def h5p_player_config(*, request) -> dict:
    """The lesson page's side: it holds the session, so it alone talks to the server."""
    authenticated = bool(request and request.user.is_authenticated)
    return {
        "xapiUrl": reverse("courses_api:xapi-statements"),
        "authenticated": authenticated,
        # Typed answers are sent this long after the pupil's last change (and at page hide).
        "stateDelayMs": settings.HEMICYCLE_H5P_STATE_DELAY_MS,
        # Statements are sent in batches, this long after the first one waiting.
        "batchDelayMs": settings.HEMICYCLE_XAPI_BATCH_MS,
        "maxStatementBytes": settings.HEMICYCLE_XAPI_MAX_STATEMENT_BYTES,
        "maxBatch": settings.HEMICYCLE_XAPI_MAX_STATEMENTS,
        "maxStateBytes": settings.HEMICYCLE_H5P_STATE_MAX_BYTES,
        "messages": {
            "loading": _("Chargement de l'activité…"),
            "ready": _("Activité prête."),
            "unavailable": _(
                "Le lecteur d'activités H5P n'est pas installé sur ce serveur : l'activité ne "
                "peut pas s'afficher."
            ),
            "failed": _("L'activité n'a pas pu être chargée. Recharge la page pour réessayer."),
            "saved": _("Ton résultat est enregistré : %(score)s sur %(max)s."),
            "recorded": _("Tes réponses sont enregistrées."),
            "preview": _(
                "Aperçu : %(score)s sur %(max)s. Seuls les résultats des élèves à qui la leçon "
                "est donnée sont enregistrés."
            ),
            "notSaved": _("Ton résultat n'a pas pu être enregistré : %(reason)s"),
            "stateNotSaved": _("Ta progression n'a pas pu être enregistrée : %(reason)s"),
            "retrying": _("Connexion perdue : ton résultat sera envoyé dès que possible."),
            "gaveUp": _(
                "Connexion perdue : ton résultat n'a pas pu être envoyé. Vérifie ta connexion "
                "puis recharge la page."
            ),
            "anonymous": _("Connecte-toi pour que tes résultats soient enregistrés."),
            "frameTitle": _("Activité interactive : %(title)s"),
        },
    }


def h5p_frame_config(*, request, lesson, activity_id: str, package) -> dict:
    """The player page's side: the same for everyone, nothing personal."""
    activity = reverse("courses:h5p_activity", args=[lesson.pk, activity_id])
    h5p_json = reverse("courses:h5p_file", args=[package.content_key, "h5p.json"])
    return {
        "activity": activity_id,
        # The lesson page, the only window this frame talks to.
        "parentOrigin": request.build_absolute_uri("/").rstrip("/"),
        "h5pJsonPath": h5p_json.removesuffix("/h5p.json"),
        "frameJs": static("h5p-standalone/frame.bundle.js"),
        "frameCss": static("h5p-standalone/styles/h5p.css"),
        # Runs inside H5P's own frame: hands states and statements to the player page.
        "customJs": static("js/h5p-frame.js"),
        "xAPIObjectIRI": request.build_absolute_uri(activity),
        "saveFreq": settings.HEMICYCLE_H5P_SAVE_SECONDS,
    }
