"""Open data: imported elections, as the Ministry published them (aggregates by territory)."""

from rest_framework import serializers

from classroom_votes.models import Election, ElectionCandidate, ElectionResult


class ElectionCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElectionCandidate
        fields = ["key", "order", "first_name", "last_name", "sex"]


class ElectionSerializer(serializers.ModelSerializer):
    candidates = ElectionCandidateSerializer(many=True, read_only=True)

    class Meta:
        model = Election
        fields = [
            "id",
            "name",
            "kind",
            "round_number",
            "date",
            "source_url",
            "licence",
            "imported_at",
            "candidates",
        ]


class ElectionResultSerializer(serializers.ModelSerializer):
    voix = serializers.SerializerMethodField(help_text="Voix par candidat (clé → voix).")

    class Meta:
        model = ElectionResult
        fields = [
            "territory_code",
            "label",
            "departement_codes",
            "inscrits",
            "abstentions",
            "votants",
            "blancs",
            "nuls",
            "exprimes",
            "voix",
        ]

    def get_voix(self, result) -> dict[str, int]:
        return {line.candidate.key: line.voix for line in result.candidate_results.all()}


class ElectionDetailSerializer(ElectionSerializer):
    results = ElectionResultSerializer(many=True, read_only=True)

    class Meta(ElectionSerializer.Meta):
        fields = [*ElectionSerializer.Meta.fields, "results"]
