"""« Résultats nationaux »: the public pages of the national questions (anyone may read them,
signed in or not). They show territories only, never a school nor a class (selectors).

Caching: the figures move only when a batch is released, so each page carries an ETag and a
Last-Modified from the question's latest territory update, and answers 304 when they have not
moved. Anonymous responses are `public, max-age=60`; a signed-in user's page holds their own
header (and a CSRF token), so it stays `private`."""

import hashlib
from datetime import datetime

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from school.models import Departement

from ..models import Level, NationalQuestion, TerritoryResult
from . import display
from .francemap import AUTHOR, LICENCE, LICENCE_URL, PACKAGE, SOURCE_URL
from .selectors import national_overview, national_updated_at

CACHE_SECONDS = 60
# An anonymous visitor's page is the same for everyone until the figures move (its ETag): kept
# rendered in the cache under that ETag, for the map's default view and each real option only.
RENDERED_SECONDS = 3600


def _published(pk: int) -> NationalQuestion | None:
    return NationalQuestion.objects.filter(live=True, pk=pk).first()


def _freshness(request, pk: int) -> tuple[NationalQuestion | None, datetime | None]:
    """The question and when its page last changed, looked up once per request."""
    if not hasattr(request, "_national_freshness"):
        question = _published(pk)
        moments = []
        if question is not None:
            moments = [national_updated_at(question=question), question.last_published_at]
        request._national_freshness = (question, max(filter(None, moments), default=None))
    return request._national_freshness


def _last_modified(request, pk: int) -> datetime | None:
    return _freshness(request, pk)[1]


def _etag(request, pk: int) -> str | None:
    question, moment = _freshness(request, pk)
    if question is None or moment is None:
        return None
    viewer = request.user.pk if request.user.is_authenticated else 0
    return f'"nq{pk}-{moment.timestamp():.6f}-{get_language()}-{viewer}"'


def _cache_headers(request, response):
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def _table_groups(overview, labels):
    """Région → académie → département, then the collectivités without a région. Each
    département's row carries the anchor the map links to."""
    departements = list(Departement.objects.select_related("academie").order_by("code"))
    figures = {f.code: f for f in overview.departements}
    academies = {f.code: f for f in overview.academies}
    by_academie: dict[str, list] = {}
    loose = []
    for dep in departements:
        if dep.academie_id:
            by_academie.setdefault(dep.academie_id, []).append(dep)
        else:
            loose.append(dep)
    academie_region = {
        dep.academie_id: dep.academie.region_id for dep in departements if dep.academie_id
    }
    groups = []
    for region in overview.regions:
        rows = [display.territory_row(region, labels)]
        for code in sorted(
            (c for c, r in academie_region.items() if r == region.code),
            key=lambda c: academies[c].name if c in academies else c,
        ):
            if code in academies:
                rows.append(display.territory_row(academies[code], labels))
            rows.extend(
                _departement_row(figures.get(dep.code), dep, labels) for dep in by_academie[code]
            )
        groups.append({"name": region.name, "rows": rows})
    if loose:
        groups.append(
            {
                "name": str(display.COLLECTIVITES),
                "rows": [_departement_row(figures.get(dep.code), dep, labels) for dep in loose],
            }
        )
    return groups, {dep.code: dep.name for dep in departements}


def _departement_row(figures, dep, labels):
    name = f"{dep.name} ({dep.code})"
    if figures is None:
        return display.row_build(
            name=name,
            level_label=str(Level.DEPARTEMENT.label),
            result=None,
            labels=labels,
            anchor=f"dep-{dep.code}",
            level=Level.DEPARTEMENT,
        )
    return display.territory_row(figures, labels, anchor=f"dep-{dep.code}", name=name)


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def national_results(request, pk):
    question, _moment = _freshness(request, pk)
    if question is None:
        raise Http404
    key = _rendered_key(request, question)
    if key is not None and (body := cache.get(key)) is not None:
        return _cache_headers(request, HttpResponse(body))
    overview = national_overview(question=question)
    labels = overview.labels
    groups, names = _table_groups(overview, labels)
    option = request.GET.get("option", "")
    summary_rows = [
        display.territory_row(overview.france, labels),
        *(display.territory_row(zone, labels) for zone in overview.zones),
        display.territory_row(overview.etranger, labels, anchor="dep-ETR"),
    ]
    context = {
        "question": question,
        "overview": overview,
        "labels": labels,
        **display.table_context(question.method, labels),
        "summary_rows": summary_rows,
        "bars": display.bars(summary_rows, labels),
        "groups": [{"name": "", "rows": summary_rows}, *groups],
        "map": display.map_view(overview, option=option, departement_names=names),
        "departements_shown": overview.departements_shown,
        "credit": {
            "package": PACKAGE,
            "source_url": SOURCE_URL,
            "author": AUTHOR,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
        },
    }
    response = TemplateResponse(request, "classroom_votes/national/national_results.html", context)
    if key is not None:
        response.render()
        cache.set(key, response.content, RENDERED_SECONDS)
    return _cache_headers(request, response)


def _rendered_key(request, question: NationalQuestion) -> str | None:
    """The cache key of the page as an anonymous visitor gets it, or None when it is not kept
    (a signed-in user's header is their own, as is a message waiting for this visitor; an unknown
    ?option= is not worth a cache entry). Counting the messages does not consume them."""
    if request.user.is_authenticated or len(get_messages(request)):
        return None
    etag = _etag(request, question.pk)
    option = request.GET.get("option", "")
    if etag is None or (option and option not in question.option_labels()):
        return None
    return "national-page:" + hashlib.sha256(f"{etag}|{option}".encode()).hexdigest()


@require_safe
def national_results_index(request):
    """The published national questions that have public figures somewhere."""
    with_figures = (
        TerritoryResult.objects.exclude(level="school").filter(classes__gt=0).values("question_id")
    )
    questions = NationalQuestion.objects.filter(live=True, pk__in=with_figures).order_by("-pk")
    response = TemplateResponse(
        request,
        "classroom_votes/national/national_results_index.html",
        {"questions": list(questions)},
    )
    return _cache_headers(request, response)
