"""Serializers of the national open-data API: shapes only. Each territory's result is the tallies
result dataclass as `dataclasses.asdict` gives it, arranged as everywhere else in the API
(classroom_votes.consultations.api.serializers.result_entry): the fields every method shares,
rows with their labels, and the method's own fields under `details`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from classroom_votes.consultations.api.serializers import TallyResultSerializer, result_entry
from classroom_votes.models import Level, NationalQuestion
from classroom_votes.national.selectors import NationalOverview, TerritoryFigures
from classroom_votes.tallies import VotingMethod

LICENCE = {
    "id": "etalab-2.0",  # SPDX
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
# The levels the public sees, from the bottom (a school's figures are never public).
PUBLIC_LEVELS = [level for level in Level.values if level != Level.SCHOOL]


class NationalOptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Début (vide : dès la publication).")
    )
    closes_at = serializers.DateTimeField(allow_null=True, help_text=_("Fin (vide : sans fin)."))


class NationalQuestionLinksSerializer(serializers.Serializer):
    results = serializers.URLField(help_text=_("Les résultats par territoire (cette API)."))
    page = serializers.URLField(help_text=_("La page publique « Résultats nationaux »."))


class NationalQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    method = serializers.ChoiceField(choices=VotingMethod.choices)
    options = NationalOptionSerializer(
        many=True, help_text=_("Les réponses, fixes (pour/contre, échelle) ou choisies.")
    )
    period = PeriodSerializer()
    links = NationalQuestionLinksSerializer()


class NationalQuestionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    method = serializers.ChoiceField(choices=VotingMethod.choices)


class RulesSerializer(serializers.Serializer):
    min_classes = serializers.IntegerField(
        help_text=_("Classes qu'il faut au moins, dans chaque lot publié et chaque territoire.")
    )
    min_schools = serializers.IntegerField(help_text=_("Établissements distincts au moins."))
    min_ballots = serializers.IntegerField(help_text=_("Bulletins au moins."))


class LicenceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("Identifiant SPDX."))
    name = serializers.CharField()
    url = serializers.URLField()


class TerritorySerializer(serializers.Serializer):
    # Plain text in the schema: a class's `level` enum would collide with this one.
    level = serializers.CharField(help_text=", ".join(PUBLIC_LEVELS))
    code = serializers.CharField(help_text=_("Code INSEE, numéro d'académie, FR, ETR…"))
    name = serializers.CharField()
    shown = serializers.BooleanField(
        help_text=_(
            "Faux tant que trop peu de classes comptent ici : aucun chiffre n'est alors donné."
        )
    )
    classes = serializers.IntegerField(allow_null=True)
    schools = serializers.IntegerField(allow_null=True)
    ballots = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    result = TallyResultSerializer(allow_null=True)


class NationalResultsSerializer(serializers.Serializer):
    question = NationalQuestionRefSerializer()
    licence = LicenceSerializer()
    rules = RulesSerializer()
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Dernière publication d'un lot de classes.")
    )
    territories = TerritorySerializer(many=True)


class NationalResultsFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=PUBLIC_LEVELS, required=False)


# --- Arranging what the selectors return ------------------------------------------------------


def question_entry(
    question: NationalQuestion, *, labels: dict[str, str], results_url: str, page_url: str
) -> dict:
    return {
        "id": question.pk,
        "title": question.title,
        "method": question.method,
        "options": [{"key": key, "label": label} for key, label in labels.items()],
        "period": {"opens_at": question.opens_at, "closes_at": question.closes_at},
        "links": {"results": results_url, "page": page_url},
    }


_DATETIME = serializers.DateTimeField()


def _datetime(value):
    return None if value is None else _DATETIME.to_representation(value)


def territory_entry(figures: TerritoryFigures, labels: dict[str, str]) -> dict:
    """A territory that is not shown gives its name and nothing else. JSON-ready as it is: the
    results are not run through NationalResultsSerializer (which documents them), whose field
    by field walk over some 150 territories would cost more than computing them."""
    shown = figures.shown
    return {
        "level": figures.level,
        "code": figures.code,
        "name": figures.name,
        "shown": shown,
        "classes": figures.classes if shown else None,
        "schools": figures.schools if shown else None,
        "ballots": figures.ballots if shown else None,
        "updated_at": _datetime(figures.updated_at) if shown else None,
        "result": result_entry(figures.result, labels) if shown else None,
    }


def territories_of(overview: NationalOverview, level: str | None) -> list[TerritoryFigures]:
    """France, its zones, abroad, then régions, académies and départements; or one level."""
    every = [
        overview.france,
        *overview.zones,
        overview.etranger,
        *overview.regions,
        *overview.academies,
        *overview.departements,
    ]
    return [t for t in every if level is None or t.level == level]


def results_entry(
    overview: NationalOverview, *, level: str | None, rules: tuple[int, int, int]
) -> dict:
    question = overview.question
    min_classes, min_schools, min_ballots = rules
    return {
        "question": {"id": question.pk, "title": question.title, "method": question.method},
        "licence": LICENCE,
        "rules": {
            "min_classes": min_classes,
            "min_schools": min_schools,
            "min_ballots": min_ballots,
        },
        "updated_at": _datetime(overview.updated_at),
        "territories": [
            territory_entry(figures, overview.labels) for figures in territories_of(overview, level)
        ],
    }
