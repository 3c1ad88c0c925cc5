"""Open data: the imported elections (`/api/elections/`), public and read-only, cacheable:
each response carries an ETag (the imported file's hash) and Last-Modified (its import), and a
conditional request that matches gets 304 without a body. Nothing here concerns a pupil."""

from django.db.models import Prefetch
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from classroom_votes.models import Election, ElectionCandidateResult, ElectionResult

from .serializers import ElectionDetailSerializer, ElectionSerializer

CACHE_CONTROL = "public, max-age=300"


@extend_schema_view(
    list=extend_schema(summary="Élections importées (résultats officiels)", tags=["open data"]),
    retrieve=extend_schema(
        summary="Résultats officiels d'une élection, par territoire", tags=["open data"]
    ),
)
class ElectionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    authentication_classes = []  # public data: no session, no CSRF, nothing personal

    def get_queryset(self):
        elections = Election.objects.prefetch_related("candidates").order_by("-date", "pk")
        if self.action == "retrieve":
            elections = elections.prefetch_related(
                Prefetch(
                    "results",
                    queryset=ElectionResult.objects.order_by("territory_code").prefetch_related(
                        Prefetch(
                            "candidate_results",
                            queryset=ElectionCandidateResult.objects.select_related("candidate"),
                        )
                    ),
                )
            )
        return elections

    def get_serializer_class(self):
        return ElectionDetailSerializer if self.action == "retrieve" else ElectionSerializer

    def _conditional(self, request, *, etag: str, last_modified, respond):
        not_modified = get_conditional_response(
            request._request, etag=etag, last_modified=last_modified
        )
        response = not_modified or respond()
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = CACHE_CONTROL
        return response

    def list(self, request, *args, **kwargs):
        versions = list(Election.objects.order_by("pk").values_list("pk", "content_hash"))
        latest = Election.objects.order_by("-imported_at").values_list("imported_at", flat=True)
        stamp = latest.first()
        # One tag per page asked (the query string), over every election's version.
        page = request.query_params.urlencode()
        etag = quote_etag(
            "elections-" + ".".join(f"{pk}:{h[:12]}" for pk, h in versions) + f"?{page}"
        )
        return self._conditional(
            request,
            etag=etag,
            last_modified=int(stamp.timestamp()) if stamp else None,
            respond=lambda: super(ElectionViewSet, self).list(request, *args, **kwargs),
        )

    def retrieve(self, request, *args, **kwargs):
        election = self.get_object()
        return self._conditional(
            request,
            etag=quote_etag(f"election-{election.pk}-{election.content_hash}"),
            last_modified=int(election.imported_at.timestamp()),
            respond=lambda: super(ElectionViewSet, self).retrieve(request, *args, **kwargs),
        )
