"""xAPI statements from H5P players. Validate, call one service, answer with what was kept."""

from dataclasses import asdict

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from courses.services import xapi_statements_check_and_record
from courses.xapi import xapi_statements_parse
from school.api.permissions import API_AUTHENTICATION_CLASSES


class XAPIRecordSerializer(serializers.Serializer):
    stored = serializers.ListField(
        child=serializers.UUIDField(), help_text=_("Déclarations enregistrées par cet envoi.")
    )
    duplicates = serializers.ListField(
        child=serializers.UUIDField(),
        help_text=_("Déjà reçues auparavant : rien n'a changé."),
    )
    ignored = serializers.ListField(
        child=serializers.UUIDField(),
        help_text=_("Reçues mais sans effet sur la progression (verbe ou sous-question)."),
    )


class XAPIRateThrottle(UserRateThrottle):
    """Each user's statements requests, at HEMICYCLE_XAPI_RATE (read at each request): a player
    sends a few a minute, a script hundreds a second."""

    scope = "xapi"

    def get_rate(self):
        return settings.HEMICYCLE_XAPI_RATE


class XAPIStatementsView(APIView):
    """Statements of the logged-in user: the actor written in a statement is ignored."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    throttle_classes = [XAPIRateThrottle]
    max_body_bytes = "HEMICYCLE_XAPI_MAX_BODY_BYTES"  # a setting's name: read at each request

    @extend_schema(
        summary=_("Envoyer des déclarations xAPI"),
        description=_(
            "Une déclaration ou une liste de déclarations émises par une activité H5P. "
            "L'auteur est toujours l'utilisateur connecté. Chaque déclaration porte un "
            "identifiant (UUID) : la renvoyer ne change rien. Seuls les verbes answered, "
            "completed, passed, failed et scored de l'activité elle-même sont conservés ; un "
            "score compte comme une tentative, vérifié contre le score maximal de l'activité. "
            "Seules "
            "les activités des leçons données à la classe de l'élève, dont le fichier H5P a été "
            "vérifié, et adressées à ce site, sont acceptées ; un enseignant ou un éditeur reçoit "
            "ses déclarations en « ignored ». Un envoi est accepté en entier ou refusé."
        ),
        request={"application/json": {"oneOf": [{"type": "object"}, {"type": "array"}]}},
        responses={200: XAPIRecordSerializer},
        examples=[
            OpenApiExample(
                "TrueFalse",
                request_only=True,
                value={
                    "id": "f1b7c0de-0000-4000-8000-000000000001",
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    "object": {"id": "https://hemicycle.example/h5p/activites/12/abcd/"},
                    "result": {"score": {"raw": 1, "max": 1}, "success": True},
                },
            )
        ],
    )
    def post(self, request):
        # Refusals (XAPIStatementError) answer 400 with the statement's index, through the API's
        # error handler; a body over max_body_bytes never gets here (config.middleware).
        statements = xapi_statements_parse(
            request.data,
            max_statements=settings.HEMICYCLE_XAPI_MAX_STATEMENTS,
            max_statement_bytes=settings.HEMICYCLE_XAPI_MAX_STATEMENT_BYTES,
            site_host=request.get_host(),
        )
        result = xapi_statements_check_and_record(user=request.user, statements=statements)
        return Response(XAPIRecordSerializer(asdict(result)).data)
