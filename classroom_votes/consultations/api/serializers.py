"""Serializers of the consultations API: shapes and input validation only. The domain rules
(what a valid consultation or ballot is, who may see what) live in services, selectors and
permissions; the helpers at the bottom only arrange what those return for the serializers."""

from dataclasses import asdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from classroom_votes.consultations.selectors import ConsultationResults
from classroom_votes.models import FIXED_ANSWERS, Consultation, Phase, SourcePanel
from classroom_votes.models.consultations import MIN_BALLOTS_FLOOR
from classroom_votes.tallies import Grade, TallyResult, VotingMethod
from school.models import Classroom

# --- Consultations ----------------------------------------------------------------------------


class ClassroomRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(allow_blank=True)


class PanelsSerializer(serializers.Serializer):
    medias = SourceSerializer(many=True, help_text=str(SourcePanel.MEDIAS.label))
    pour = SourceSerializer(many=True, help_text=str(SourcePanel.POUR.label))
    contre = SourceSerializer(many=True, help_text=str(SourcePanel.CONTRE.label))


PHASE_FIELD = serializers.ChoiceField(
    choices=[phase.value for phase in Phase],
    help_text=_("Pour un votant, maintenant : pas encore ouvert, ouvert ou terminé."),
)


def _status_field():
    # Plain text in the schema: another app's `status` enum would collide with this one.
    return serializers.CharField(
        help_text=_("draft (brouillon), open (ouverte) ou closed (close).")
    )


class ConsultationListSerializer(serializers.ModelSerializer):
    status = _status_field()
    phase = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "title",
            "method",
            "status",
            "phase",
            "opens_at",
            "closes_at",
            "results_visibility",
        ]
        read_only_fields = fields

    @extend_schema_field(PHASE_FIELD)
    def get_phase(self, consultation: Consultation) -> str:
        return consultation.phase(now=timezone.now())


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    context = serializers.CharField(allow_blank=True)
    method = serializers.ChoiceField(choices=VotingMethod.choices)
    second_round = serializers.BooleanField()
    options = OptionSerializer(
        many=True,
        help_text=_(
            "Les réponses possibles. Pour « pour/contre » et l'échelle à cinq niveaux, les "
            "réponses fixes de la méthode."
        ),
    )
    panels = PanelsSerializer()
    status = _status_field()
    phase = serializers.ChoiceField(choices=PHASE_FIELD.choices, help_text=PHASE_FIELD.help_text)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    min_ballots = serializers.IntegerField()
    results_visibility = serializers.ChoiceField(choices=Consultation.ResultsVisibility.choices)
    classes = ClassroomRefSerializer(
        many=True, help_text=_("Les classes participantes que l'utilisateur peut voir.")
    )
    has_voted = serializers.BooleanField(
        allow_null=True, help_text=_("Élèves : a déjà voté. Null pour les autres.")
    )
    can_vote = serializers.BooleanField(
        allow_null=True, help_text=_("Élèves : peut voter maintenant. Null pour les autres.")
    )
    first_round = serializers.IntegerField(
        allow_null=True,
        help_text=_("Pour un second tour, la consultation du premier tour (si vous la voyez)."),
    )
    second_round_consultation = serializers.IntegerField(
        allow_null=True,
        help_text=_("La consultation du second tour, une fois organisé (si vous la voyez)."),
    )


class OptionInputSerializer(serializers.Serializer):
    key = serializers.CharField(trim_whitespace=False)
    label = serializers.CharField(allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)


class SourceInputSerializer(serializers.Serializer):
    panel = serializers.ChoiceField(choices=SourcePanel.choices)
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    url = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)
    summary = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)


class ConsultationCreateInputSerializer(serializers.Serializer):
    """Shapes only: lengths, option keys, dates and the rest are checked by
    services.consultation_create, whose errors answer 400 with their code."""

    classrooms = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Classroom.objects.all(), allow_empty=True
    )
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    context = serializers.CharField(allow_blank=True, trim_whitespace=False, default="")
    method = serializers.CharField()
    options = OptionInputSerializer(many=True, required=False, default=list)
    sources = SourceInputSerializer(many=True, required=False, default=list)
    second_round = serializers.BooleanField(default=False)
    min_ballots = serializers.IntegerField(default=MIN_BALLOTS_FLOOR)
    results_visibility = serializers.CharField(default=Consultation.ResultsVisibility.AFTER_CLOSE)
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ResultsFilterSerializer(serializers.Serializer):
    classroom = serializers.IntegerField(required=False, min_value=1)


# --- Ballot -----------------------------------------------------------------------------------


class BallotCastInputSerializer(serializers.Serializer):
    content = serializers.DictField(
        help_text=_(
            'Le bulletin, selon le mode de scrutin : {"choice": "pour"} (pour/contre, '
            'échelle, choix unique), {"approved": [...]} (approbation), {"grades": '
            "{option: mention}} (jugement majoritaire, une mention par option), "
            '{"ranking": [...]} (classement).'
        )
    )


class ReceiptSerializer(serializers.Serializer):
    """« A voté » : the consultation and the day, never the vote."""

    consultation = serializers.IntegerField(source="consultation_id")
    voted_on = serializers.DateField()


# --- Participation ----------------------------------------------------------------------------


class ClassParticipationSerializer(serializers.Serializer):
    classroom = ClassroomRefSerializer()
    inscrits = serializers.IntegerField()
    votants = serializers.IntegerField()
    voters = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "Pseudonymes de ceux qui ont voté (jamais ce qu'ils ont voté) ; vide tant qu'un "
            "vote aux résultats en direct est ouvert (voir `voters_hidden`)."
        ),
    )
    voters_hidden = serializers.BooleanField(
        help_text=_(
            "Vrai quand les noms attendent la clôture : avec des résultats en direct, les "
            "voir arriver un à un dirait ce que chacun a voté."
        ),
    )


# --- Results ----------------------------------------------------------------------------------


class GradeShareSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    percentage = serializers.FloatField()


class ResultRowSerializer(serializers.Serializer):
    """One option. Fields a method does not use are null (or empty)."""

    key = serializers.CharField()
    label = serializers.CharField()
    rank = serializers.IntegerField()
    count = serializers.IntegerField(
        allow_null=True, help_text=_("Voix, approbations ou premiers choix ; null en jugement.")
    )
    percentage = serializers.FloatField(allow_null=True, help_text=_("En % des exprimés."))
    approval_rate = serializers.FloatField(
        allow_null=True, help_text=_("Approbation : en % des votants.")
    )
    majority_grade = serializers.CharField(
        allow_null=True, help_text=_("Jugement majoritaire : la mention majoritaire.")
    )
    majority_grade_label = serializers.CharField(allow_null=True)
    grades = GradeShareSerializer(many=True, help_text=_("Jugement majoritaire : les mentions."))
    better_percentage = serializers.FloatField(allow_null=True)
    worse_percentage = serializers.FloatField(allow_null=True)


class RoundRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()
    percentage = serializers.FloatField()
    rank = serializers.IntegerField()


class RankedRoundSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    rows = RoundRowSerializer(many=True)
    active = serializers.IntegerField()
    exhausted = serializers.IntegerField()
    eliminated = serializers.ListField(child=serializers.CharField())
    tied_for_last = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "Les options à égalité pour la dernière place quand il a fallu en choisir une : "
            "une seule est éliminée si l'issue est la même quel que soit le choix, aucune "
            "sinon (le dépouillement s'arrête)."
        ),
    )


class ResultDetailsSerializer(serializers.Serializer):
    """What only some methods report; absent for the others."""

    median = serializers.CharField(allow_null=True, required=False, help_text="scale5")
    average = serializers.FloatField(allow_null=True, required=False, help_text="scale5")
    absolute_majority = serializers.IntegerField(required=False, help_text="single")
    elected_first_round = serializers.BooleanField(required=False, help_text="single")
    second_round_requested = serializers.BooleanField(required=False, help_text="single")
    second_round_between = serializers.ListField(
        child=serializers.CharField(), allow_null=True, required=False, help_text="single"
    )
    qualified = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_(
            "single : les options sûres d'être au second tour (une seule quand la seconde place "
            "est à égalité)."
        ),
    )
    tie_break_used = serializers.BooleanField(required=False, help_text="majority_judgment")
    rounds = RankedRoundSerializer(many=True, required=False, help_text="ranked")
    exhaustive = serializers.BooleanField(
        required=False,
        help_text=_(
            "ranked : tous les ordres d'élimination possibles en cas d'égalité pour la "
            "dernière place ont été suivis ; faux, `tied` ne nomme que les gagnants possibles "
            "trouvés."
        ),
    )


class TallyResultSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=VotingMethod.choices)
    votants = serializers.IntegerField()
    blancs = serializers.IntegerField()
    exprimes = serializers.IntegerField()
    winner = serializers.CharField(allow_null=True)
    tie = serializers.BooleanField()
    tied = serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "En cas d'égalité, les options concernées ; en vote par classement, celles qui "
            "peuvent l'emporter."
        ),
    )
    rows = ResultRowSerializer(many=True)
    details = ResultDetailsSerializer()


class ConsultationResultsSerializer(serializers.Serializer):
    consultation = serializers.IntegerField()
    classroom = ClassroomRefSerializer(allow_null=True)
    ballots = serializers.IntegerField(help_text=_("Bulletins dans l'urne (toujours donné)."))
    published = serializers.BooleanField()
    reason = serializers.CharField(
        allow_blank=True, help_text=_("Pourquoi rien n'est publié (vide si publié).")
    )
    message = serializers.CharField(allow_blank=True)
    result = TallyResultSerializer(allow_null=True)


# --- Arranging domain objects for the serializers ---------------------------------------------


def consultation_entry(
    consultation: Consultation,
    *,
    phase: str,
    classes,
    has_voted: bool | None,
    can_vote: bool | None,
    first_round: Consultation | None = None,
    second_round: Consultation | None = None,
) -> dict:
    """The detail of a consultation (prefetch `options` and `sources`), with the other round
    of a two-round vote when the user sees it."""
    fixed = FIXED_ANSWERS.get(consultation.method)
    if fixed is not None:
        options = [
            {"key": key, "label": str(label), "description": ""} for key, label in fixed.choices
        ]
    else:
        options = [
            {"key": option.key, "label": option.label, "description": option.description}
            for option in consultation.options.all()
        ]
    panels = {panel: [] for panel in SourcePanel.values}
    for source in consultation.sources.all():
        panels[source.panel].append(source)
    return {
        **{
            field: getattr(consultation, field)
            for field in (
                "id",
                "title",
                "context",
                "method",
                "second_round",
                "status",
                "opens_at",
                "closes_at",
                "opened_at",
                "closed_at",
                "min_ballots",
                "results_visibility",
            )
        },
        "options": options,
        "panels": panels,
        "phase": phase,
        "classes": classes,
        "has_voted": has_voted,
        "can_vote": can_vote,
        "first_round": first_round.pk if first_round else None,
        "second_round_consultation": second_round.pk if second_round else None,
    }


_COMMON = ("method", "votants", "blancs", "exprimes", "winner", "tie", "tied")


def _row_entry(row: dict, labels: dict[str, str]) -> dict:
    grade = row.get("majority_grade")
    return {
        "key": row["key"],
        "label": labels.get(row["key"], row["key"]),
        "rank": row["rank"],
        "count": row.get("count"),
        "percentage": row.get("percentage"),
        "approval_rate": row.get("approval_rate"),
        "majority_grade": grade,
        "majority_grade_label": str(Grade(grade).label) if grade else None,
        "grades": [
            share | {"label": str(Grade(share["grade"]).label)} for share in row.get("grades", ())
        ],
        "better_percentage": row.get("better_percentage"),
        "worse_percentage": row.get("worse_percentage"),
    }


def result_entry(result: TallyResult, labels: dict[str, str]) -> dict:
    """Any tallies result: the fields every method shares, rows with labels, and the rest as
    `details`."""
    data = asdict(result)
    entry = {field: data.pop(field) for field in _COMMON}
    entry["rows"] = [_row_entry(row, labels) for row in data.pop("rows")]
    entry["details"] = data
    return entry


def results_entry(results: ConsultationResults) -> dict:
    consultation = results.consultation
    return {
        "consultation": consultation.pk,
        "classroom": results.classroom,
        "ballots": results.ballots,
        "published": results.published,
        "reason": results.reason,
        "message": results.message,
        "result": (
            result_entry(results.result, consultation.option_labels())
            if results.result is not None
            else None
        ),
    }
