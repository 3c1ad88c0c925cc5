"""The national open-data API: the published national questions, and their figures by public
territory (France, métropole and outre-mer, abroad, régions, académies, départements). Public,
read-only, aggregates only: it reads the territories' sums (classroom_votes.national.selectors),
never a school's, a class's or a pupil's row.

Anyone may read it, logged in or not, and everyone gets the same bytes: no authentication is
read (so no session, no CSRF, nothing that varies by user), anonymous throttling applies to all.
The results carry a strong ETag and Last-Modified from the question's last release and answer
304 to a client or a cache that already holds them."""

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from classroom_votes.api.common import ID_PARAMETER
from classroom_votes.components import id_or_none
from classroom_votes.models import NationalQuestion
from classroom_votes.models.national_results import national_thresholds
from classroom_votes.national.selectors import (
    national_overview,
    national_questions_published,
    national_updated_at,
)
from config.pagination import paginated

from .serializers import (
    PUBLIC_LEVELS,
    NationalQuestionSerializer,
    NationalResultsFilterSerializer,
    NationalResultsSerializer,
    question_entry,
    results_entry,
)

# Browsers and shared caches may keep a copy a minute, then revalidate it (ETag).
MAX_AGE_SECONDS = 60
# The server keeps each computed body under its ETag (a release makes a new one).
CACHE_PREFIX = "national-results"
CACHE_SECONDS = 3600

LEVEL_PARAMETER = OpenApiParameter(
    "level",
    OpenApiTypes.STR,
    enum=PUBLIC_LEVELS,
    description=_("Un seul niveau de territoires (sinon tous)."),
)
NOT_MODIFIED = OpenApiResponse(
    description=_("Non modifié depuis la copie désignée par If-None-Match ou If-Modified-Since.")
)


def results_etag(*, question: NationalQuestion, updated_at: datetime | None, query: str) -> str:
    """Strong: the same question (as last published), figures, query and language give the
    same bytes."""
    published = question.last_published_at
    source = "|".join(
        (
            str(question.pk),
            question.created_at.isoformat(),
            published.isoformat() if published else "-",
            updated_at.isoformat() if updated_at else "-",
            query,
            translation.get_language() or "",
            ",".join(map(str, national_thresholds())),
        )
    )
    return f'"{hashlib.sha256(source.encode()).hexdigest()[:32]}"'


def _cacheable(response):
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


class NationalQuestionViewSet(viewsets.GenericViewSet):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return national_questions_published()

    def get_object(self):
        pk = id_or_none(self.kwargs["pk"])
        question = None if pk is None else self.get_queryset().filter(pk=pk).first()
        if question is None:
            raise exceptions.NotFound()
        return question

    def _results_url(self, question) -> str:
        path = reverse("classroom_votes_api:national-question-results", kwargs={"pk": question.pk})
        return self.request.build_absolute_uri(path)

    @extend_schema(
        summary=_("Questions nationales publiées"),
        description=_(
            "Données ouvertes : les questions nationales publiées, leurs réponses, leur période "
            "et le lien vers leurs résultats par territoire. Sans compte."
        ),
        responses={200: NationalQuestionSerializer(many=True)},
    )
    def list(self, request):
        def entries(questions):
            return [
                question_entry(
                    question,
                    labels=question.option_labels(),
                    results_url=self._results_url(question),
                    page_url=self.request.build_absolute_uri(
                        reverse("classroom_votes:national_results", kwargs={"pk": question.pk})
                    ),
                )
                for question in questions
            ]

        questions = self.get_queryset()
        return _cacheable(paginated(self, questions, NationalQuestionSerializer, entries=entries))

    @extend_schema(
        summary=_("Résultats nationaux d'une question, par territoire"),
        description=_(
            "Données ouvertes (Licence Ouverte 2.0) : pour chaque territoire public — France, "
            "métropole et outre-mer, établissements à l'étranger, régions, académies, "
            "départements ; jamais un établissement ni une classe — le nombre de classes, "
            "d'établissements et de bulletins et le résultat selon le mode de scrutin. Un "
            "territoire n'est montré (`shown`) qu'avec au moins `rules` : sinon aucun chiffre. "
            "Réponses mises en cache une minute ; ETag et Last-Modified permettent de "
            "revalider (304)."
        ),
        parameters=[ID_PARAMETER, LEVEL_PARAMETER],
        responses={200: NationalResultsSerializer, 304: NOT_MODIFIED},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        question = self.get_object()
        filters = NationalResultsFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        level = filters.validated_data.get("level")
        updated_at = national_updated_at(question=question)
        etag = results_etag(question=question, updated_at=updated_at, query=level or "")
        last_modified = int(updated_at.timestamp()) if updated_at else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            # The body is the ETag's: computed once per release, then served from the cache.
            key = f"{CACHE_PREFIX}:{etag.strip(chr(34))}"
            body = cache.get(key)
            if body is None:
                overview = national_overview(question=question)
                body = results_entry(overview, level=level, rules=national_thresholds())
                cache.set(key, body, CACHE_SECONDS)
            response = Response(body)
        if response.status_code not in (200, 304):
            return response  # a failed If-Match: 412, nothing to cache
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return _cacheable(response)
