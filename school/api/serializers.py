"""Serializers of the school API: shapes and input validation only, no business rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from school.forms import PUPILS_BULK_MAX
from school.models import Classroom, PupilProfile, School
from school.permissions import can_create_classroom
from school.selectors import school_year_current

SCHOOL_NOT_YOURS = _("Vous n'enseignez pas dans cet établissement.")
CLASSROOM_NAME_TAKEN = _("Cet établissement a déjà une classe de ce nom pour cette année scolaire.")
SCHOOL_YEAR_NOT_OPEN = _(
    "Choisissez l'année scolaire en cours ou la suivante : %(current)s ou %(next)s."
)


class ClassroomSerializer(serializers.ModelSerializer):
    archived = serializers.BooleanField(source="is_archived", read_only=True)
    pupil_count = serializers.IntegerField(read_only=True)
    join_open = serializers.BooleanField(source="join_is_open", read_only=True)
    pupils_limit = serializers.IntegerField(read_only=True)

    class Meta:
        model = Classroom
        fields = [
            "id",
            "school",
            "name",
            "level",
            "school_year",
            "join_code",
            "join_enabled",
            "join_closes_at",
            "join_open",
            "join_approval",
            "max_pupils",
            "pupils_limit",
            "archived",
            "pupil_count",
        ]
        read_only_fields = fields


class ClassroomCreateInputSerializer(serializers.Serializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    name = serializers.CharField(max_length=80)
    level = serializers.ChoiceField(choices=Classroom.Level.choices)
    school_year = serializers.IntegerField(
        help_text=_("L'année de la rentrée : 2026 pour 2026-2027 (en cours ou suivante).")
    )

    def validate_school(self, school):
        if not can_create_classroom(self.context["request"].user, school):
            raise serializers.ValidationError(SCHOOL_NOT_YOURS)
        return school

    def validate_school_year(self, year):
        # The same choice as the class creation form: this school year or the next.
        current = school_year_current()
        if year not in (current, current + 1):
            raise serializers.ValidationError(
                SCHOOL_YEAR_NOT_OPEN % {"current": current, "next": current + 1}
            )
        return year

    def validate(self, attrs):
        # The model's own checks; the join code is made by the service.
        classroom = Classroom(**attrs, join_code="-")
        try:
            classroom.full_clean(exclude=["join_code"], validate_constraints=False)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        try:
            # Classroom's only constraint: one name per school and school year.
            classroom.validate_constraints()
        except DjangoValidationError as error:
            raise serializers.ValidationError({"name": [CLASSROOM_NAME_TAKEN]}) from error
        return attrs


class PupilSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)

    class Meta:
        model = PupilProfile
        fields = ["id", "pseudonym", "created_at"]
        read_only_fields = fields


class PupilsBulkCreateInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=PUPILS_BULK_MAX)


class PupilCredentialsSerializer(serializers.Serializer):
    """Shown once: the secret is stored only as a password hash."""

    id = serializers.IntegerField(source="pupil.user_id")
    join_code = serializers.CharField()
    pseudonym = serializers.CharField()
    secret = serializers.CharField()


class TokenObtainInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class ApiTokenSerializer(serializers.Serializer):
    """A token as its owner's lists show it: never the token, only its first characters."""

    id = serializers.CharField(
        source="token_key", help_text=_("Les premiers caractères du jeton, qui le désignent.")
    )
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()


class TokenSerializer(ApiTokenSerializer):
    """A new token, shown this once: only its digest is kept."""

    token = serializers.CharField()
