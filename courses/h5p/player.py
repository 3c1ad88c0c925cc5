"""What the lesson page gives the h5p-standalone player (see config/static/js/h5p-player.js)."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _


def h5p_player_config(*, request) -> dict:
    authenticated = bool(request and request.user.is_authenticated)
    return {
        "frameJs": static("h5p-standalone/frame.bundle.js"),
        "frameCss": static("h5p-standalone/styles/h5p.css"),
        # Runs inside the player's frame: H5P's own state requests carry the CSRF token.
        "customJs": static("js/h5p-frame.js"),
        "xapiUrl": reverse("courses_api:xapi-statements"),
        "authenticated": authenticated,
        "saveFreq": settings.HEMICYCLE_H5P_SAVE_SECONDS if authenticated else False,
        "messages": {
            "loading": _("Chargement de l'activité…"),
            "ready": _("Activité prête."),
            "unavailable": _(
                "Le lecteur d'activités H5P n'est pas installé sur ce serveur : l'activité ne "
                "peut pas s'afficher."
            ),
            "failed": _("L'activité n'a pas pu être chargée. Recharge la page pour réessayer."),
            "saved": _("Ton résultat est enregistré : %(score)s sur %(max)s."),
            "notSaved": _("Ton résultat n'a pas pu être enregistré : %(reason)s"),
            "retrying": _("Connexion perdue : ton résultat sera envoyé dès que possible."),
            "anonymous": _("Connecte-toi pour que tes résultats soient enregistrés."),
            "frameTitle": _("Activité interactive : %(title)s"),
        },
    }
