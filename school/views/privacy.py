"""A pupil's own data: what is kept, and a download of all of it."""

import json

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from ..privacy import pupil_data_export
from ..selectors import retention_facts
from .access import pupil_required

EXPORT_FILENAME = "mes-donnees-hemicycle.json"


@pupil_required
def privacy(request):
    return TemplateResponse(request, "school/privacy.html", retention_facts())


def legal(request):
    """The site's legal notice, with how long data is kept (from the settings)."""
    return TemplateResponse(request, "legal.html", retention_facts())


@never_cache
@pupil_required
def privacy_export(request):
    data = pupil_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    return response
