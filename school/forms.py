"""Forms of the school pages. They validate input; the writes go through school.services and
school.teachers."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.template.loader import render_to_string
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.client_address import client_address

from .backends import axes_username
from .models import Classroom, Departement, School, User
from .models.schools import validate_uai
from .selectors import school_by_uai, school_year_current
from .services import ERROR_MESSAGES, JOIN_DURATION_INVALID, JOIN_DURATIONS, PSEUDONYM_MAX
from .teachers import NewSchool

PUPILS_BULK_MAX = 40
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")


class EmailLoginForm(AuthenticationForm):
    """Teachers sign up with their email stored lower-case: log in whatever the case typed."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        return username.strip().lower() if "@" in username else username


class TeacherSignupForm(forms.Form):
    LOCATION_FRANCE = "france"
    LOCATION_ABROAD = "abroad"

    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Elle vous servira d'identifiant. Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Nom affiché (facultatif)"),
        help_text=_("Par exemple « Mme Martin ». Les élèves ne voient pas votre adresse."),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_(
            "Au moins 8 caractères, pas uniquement des chiffres, ni trop courant ni trop proche "
            "de votre adresse."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        help_text=_("Saisissez le même mot de passe."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    uai = forms.CharField(
        label=_("Code UAI de l'établissement"),
        help_text=_("7 chiffres et une lettre, par exemple 0750655E (il figure sur l'annuaire)."),
        max_length=12,
    )
    school_name = forms.CharField(label=_("Nom de l'établissement"), max_length=200, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    location = forms.ChoiceField(
        label=_("Situation de l'établissement"),
        choices=[
            (LOCATION_FRANCE, _("En France")),
            (LOCATION_ABROAD, _("Établissement français à l'étranger")),
        ],
        initial=LOCATION_FRANCE,
        widget=forms.RadioSelect,
        required=False,
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label=_("Choisir un département"),
        help_text=_(
            "Les collectivités d'outre-mer (Polynésie française, Nouvelle-Calédonie, "
            "Saint-Martin…) figurent aussi dans la liste."
        ),
    )
    country = forms.CharField(
        label=_("Pays (code à deux lettres)"),
        help_text=_("Code ISO du pays, par exemple ES pour l'Espagne ou MA pour le Maroc."),
        max_length=2,
        required=False,
    )

    # The fields that only matter when the UAI is not known yet.
    new_school_fields = ("school_name", "commune", "location", "departement", "country")

    def clean_email(self) -> str:
        # Whether an account has this address is never said here: school.teachers.teacher_signup
        # answers the same and e-mails the owner instead.
        return self.cleaned_data["email"].strip().lower()

    def clean_uai(self) -> str:
        uai = "".join(self.cleaned_data["uai"].split()).upper()
        validate_uai(uai)
        return uai

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if country and (not COUNTRY_PATTERN.match(country) or country == "FR"):
            raise ValidationError(
                _("Saisissez le code à deux lettres d'un pays étranger, par exemple ES."),
                code="invalid_country",
            )
        return country

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif password1:
            candidate = User(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("display_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)

        uai = cleaned.get("uai")
        self.school = school_by_uai(uai=uai) if uai else None
        if uai and self.school is None:
            self._clean_new_school(cleaned)
        return cleaned

    def _clean_new_school(self, cleaned) -> None:
        required = _("Cet établissement n'est pas encore inscrit : ce champ est obligatoire.")
        for name in ("school_name", "commune"):
            if not cleaned.get(name, "").strip():
                self.add_error(name, required)
        if cleaned.get("location") == self.LOCATION_ABROAD:
            if not cleaned.get("country") and "country" not in self.errors:
                self.add_error("country", required)
            cleaned["departement"] = None
        else:
            if not cleaned.get("departement"):
                self.add_error("departement", required)
            cleaned["country"] = ""

    def new_school(self) -> NewSchool | None:
        """The school described in the form, when its UAI is not known yet."""
        if self.school is not None:
            return None
        data = self.cleaned_data
        return NewSchool(
            name=data["school_name"],
            commune=data["commune"],
            departement=data["departement"],
            country=data["country"],
        )


class ClassroomCreateForm(forms.Form):
    """A class's name is unique in its school and year, so the form must say when a name is
    taken, which tells whether such a class exists. It says so only to those who may already
    know: the school field offers only the schools where the user is an approved teacher (or
    every school to an administrator, who sees every class), so a teacher still waiting for a
    school's approval, or of another school, cannot pick that school and learns nothing of its
    classes (a school outside the choices is refused as an invalid choice, before the name is
    looked at)."""

    school = forms.ModelChoiceField(
        label=_("Établissement"), queryset=School.objects.none(), empty_label=None
    )
    name = forms.CharField(
        label=_("Nom de la classe"),
        help_text=_("Par exemple « 2nde 4 » ou « Terminale B »."),
        max_length=80,
    )
    level = forms.ChoiceField(label=_("Niveau"), choices=Classroom.Level.choices)
    school_year = forms.TypedChoiceField(label=_("Année scolaire"), coerce=int)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        current = school_year_current()
        self.fields["school_year"].choices = [
            (year, f"{year}-{year + 1}") for year in (current, current + 1)
        ]
        self.fields["school_year"].initial = current

    def clean(self):
        cleaned = super().clean()
        school, name, year = cleaned.get("school"), cleaned.get("name"), cleaned.get("school_year")
        if (
            school
            and name
            and year
            and Classroom.objects.filter(
                school=school, school_year=year, name__iexact=name.strip()
            ).exists()
        ):
            self.add_error(
                "name", _("Une classe porte déjà ce nom cette année dans cet établissement.")
            )
        return cleaned


class JoinSetForm(forms.Form):
    """Open joining for a chosen time, or close it."""

    enabled = forms.TypedChoiceField(
        choices=[("1", _("Ouvrir")), ("0", _("Fermer"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    duration = forms.ChoiceField(
        label=_("Inscriptions ouvertes pendant"),
        help_text=_("Elles se ferment d'elles-mêmes ensuite ; vous pouvez les fermer avant."),
        choices=[(key, label) for key, (_delay, label) in JOIN_DURATIONS.items()],
        initial="1h",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enabled") and not cleaned.get("duration"):
            self.add_error("duration", ERROR_MESSAGES[JOIN_DURATION_INVALID])
        return cleaned

    @property
    def delay(self):
        return JOIN_DURATIONS[self.cleaned_data["duration"]][0]


class JoinSettingsForm(forms.Form):
    approval = forms.BooleanField(
        label=_("Valider chaque nouvel élève"),
        help_text=_(
            "Un élève qui rejoint la classe avec le code attend que vous l'acceptiez ; "
            "d'ici là, il ne voit rien de la classe."
        ),
        required=False,
    )
    max_pupils = forms.IntegerField(
        label=_("Nombre maximal d'élèves (facultatif)"),
        min_value=1,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ceiling = settings.HEMICYCLE_CLASS_MAX_PUPILS
        field = self.fields["max_pupils"]
        field.max_value = ceiling
        field.validators.append(MaxValueValidator(ceiling))
        field.widget.attrs["max"] = ceiling
        field.help_text = format_lazy(
            _("Au plus {max}, la limite du site, qui s'applique si vous laissez vide."),
            max=ceiling,
        )


class PupilRenameForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Nouveau pseudonyme"),
        help_text=_(
            "Pas de vrai nom : de 3 à 40 lettres, chiffres, tirets ou espaces. L'élève se "
            "connectera avec ce nouveau pseudonyme."
        ),
        max_length=PSEUDONYM_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PupilsBulkCreateForm(forms.Form):
    count = forms.IntegerField(
        label=_("Nombre d'élèves à créer"),
        help_text=format_lazy(
            _("De 1 à {max}. Chaque élève reçoit un pseudonyme et un code secret."),
            max=PUPILS_BULK_MAX,
        ),
        min_value=1,
        max_value=PUPILS_BULK_MAX,
    )


class PupilMoveForm(forms.Form):
    classroom = forms.ModelChoiceField(
        label=_("Nouvelle classe"),
        queryset=Classroom.objects.none(),
        empty_label=_("Choisir une classe"),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = targets


class PupilJoinForm(forms.Form):
    """Only the code: the pupil receives a generated pseudonym (no real name can slip in), which
    the teacher may change."""

    class_code = forms.CharField(
        label=_("Code de la classe"),
        help_text=_("Le code donné par ton enseignant, par exemple K7PM-2XQR."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def add_school_error(self, error) -> None:
        """Show a SchoolError from the join service on the code field."""
        self.add_error("class_code", ValidationError(ERROR_MESSAGES[error.code], code=error.code))


class PupilLoginForm(forms.Form):
    class_code = forms.CharField(
        label=_("Code de la classe"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pseudonym = forms.CharField(
        label=_("Pseudonyme"),
        max_length=PSEUDONYM_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    secret = forms.CharField(
        label=_("Code secret"),
        help_text=_("Il est écrit sur ta carte de connexion, par exemple lune-tigre-42."),
        strip=True,
        max_length=80,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "Code de classe, pseudonyme ou code secret incorrect. Vérifie ta carte de connexion."
        ),
    }

    def __init__(self, *args, request, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean_pseudonym(self) -> str:
        # The backend and django-axes both compare the canonical form (school.pseudonyms), so
        # that no variant buys extra attempts; spaces are collapsed here for the error page.
        return " ".join(self.cleaned_data["pseudonym"].split())

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        credentials = {
            "class_code": cleaned["class_code"],
            "pseudonym": cleaned["pseudonym"],
            "secret": cleaned["secret"],
        }
        self.user = authenticate(self.request, **credentials)
        if self.user is None:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        self._failures_reset(credentials)
        return cleaned

    def _failures_reset(self, credentials) -> None:
        """django-axes counts a pupil's failures under class code + pseudonym, but its own
        reset-on-success only knows the account's username: clear that count here, for this
        address only (failures elsewhere were not this pupil's)."""
        from axes.utils import reset

        reset(ip=client_address(self.request), username=axes_username(None, credentials))


class MembershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Accepter")), ("refuse", _("Refuser"))], widget=forms.HiddenInput
    )


class AccountEraseForm(forms.Form):
    """The account's password, typed again: a session left open is not enough to erase it."""

    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Mot de passe incorrect."), code="password_incorrect")
        return password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, whose e-mail is handed to a worker: the answer takes the same time whether
    the address has an account or not (it already says the same)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .tasks import email_send

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_send.delay(subject=subject, body=body, to=[to_email])
