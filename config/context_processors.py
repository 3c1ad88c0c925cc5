from django.conf import settings


def site(request):
    """What the DSFR templates call SITE_CONFIG, from settings rather than a query per page."""
    return {
        "SITE_CONFIG": {
            "site_title": settings.HEMICYCLE_SITE_TITLE,
            "site_tagline": settings.HEMICYCLE_SITE_TAGLINE,
        }
    }
