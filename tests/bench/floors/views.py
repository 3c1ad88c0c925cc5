"""The bare floors' two write paths, as plain as Django allows: a vote (participation, ballot
and tally in one transaction, unauthenticated) and xAPI statements (parsed and inserted in one
statement)."""

import json
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import BareBallot, BareParticipation, BareStatement, BareTally


@csrf_exempt
@require_POST
def vote(request, consultation_id):
    data = json.loads(request.body)
    choice = data["content"]["choice"]
    try:
        with transaction.atomic():
            BareParticipation.objects.create(consultation_id=consultation_id, voter=data["voter"])
            BareBallot.objects.create(consultation_id=consultation_id, content={"choice": choice})
            BareTally.objects.filter(consultation_id=consultation_id, key=choice).update(
                count=F("count") + 1
            )
    except IntegrityError:
        return JsonResponse({"error": "already_voted"}, status=409)
    return JsonResponse({"voted": True}, status=201)


@csrf_exempt
@require_POST
def statements(request):
    data = json.loads(request.body)
    items = data if isinstance(data, list) else [data]
    rows = [
        BareStatement(
            statement_id=uuid.UUID(item["id"]),
            actor=1,
            activity=item["object"]["id"],
            score_raw=item.get("result", {}).get("score", {}).get("raw"),
            score_max=item.get("result", {}).get("score", {}).get("max"),
            payload=item,
        )
        for item in items
    ]
    BareStatement.objects.bulk_create(rows, ignore_conflicts=True)
    return JsonResponse({"stored": [item["id"] for item in items]})
