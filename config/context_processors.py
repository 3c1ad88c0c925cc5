from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .navigation import site_navigation


def site(request):
    """What the DSFR templates call SITE_CONFIG, from settings rather than a query per page."""
    return {
        "SITE_CONFIG": {
            "site_title": settings.HEMICYCLE_SITE_TITLE,
            "site_tagline": settings.HEMICYCLE_SITE_TAGLINE,
        }
    }


def navigation(request):
    """The header's links for this request (config.navigation), built when a page shows them."""
    return {"navigation": SimpleLazyObject(lambda: site_navigation(request))}
