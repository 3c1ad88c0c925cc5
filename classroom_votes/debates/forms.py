"""Forms of the debate pages. They only shape what was typed; debates.services checks every rule
again (and sanitizes the text), and its DebateError is what the pupil or teacher reads."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..consultations.forms import ClassroomsField
from ..models import ArgumentKind, ReportReason, Side
from ..models.debates import (
    ARGUMENT_MAX_LENGTH,
    AUTO_HIDE_REPORTS_MAX,
    CONTEXT_MAX_LENGTH,
    EXTRA_WORDS_MAX_LENGTH,
    MAX_DEPTH_LIMIT,
    REASON_MAX_LENGTH,
    REPORT_NOTE_MAX_LENGTH,
    THESIS_MAX_LENGTH,
)

# The service decides what a text may hold; the form only stops what could never fit.
_RAW_FACTOR = 2


class DebateSettingsForm(forms.Form):
    """What a teacher may change while the debate runs (debate_settings_update)."""

    premoderation = forms.BooleanField(
        label=_("Pré-modération : je valide chaque message d'élève avant qu'il soit visible"),
        help_text=_("Recommandé avec des élèves mineurs."),
        required=False,
        initial=True,
    )
    links_allowed = forms.BooleanField(
        label=_("Autoriser les liens dans les messages des élèves"), required=False
    )
    auto_hide_reports = forms.IntegerField(
        label=_("Nombre de signalements qui masquent un message automatiquement"),
        help_text=_("En attendant votre décision ; de 1 à 50."),
        min_value=1,
        max_value=AUTO_HIDE_REPORTS_MAX,
        initial=3,
    )
    max_depth = forms.IntegerField(
        label=_("Profondeur maximale des réponses"),
        help_text=_("1 : on ne répond qu'à la thèse ; jusqu'à 8 niveaux."),
        min_value=1,
        max_value=MAX_DEPTH_LIMIT,
        initial=4,
    )
    extra_words = forms.CharField(
        label=_("Mots à surveiller en plus de la liste du site"),
        help_text=_(
            "Un par ligne ou séparés par des virgules ; une * finale couvre toutes les "
            "terminaisons. Un message qui en contient attend votre validation."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=EXTRA_WORDS_MAX_LENGTH,
        required=False,
    )

    SETTINGS = ("premoderation", "links_allowed", "auto_hide_reports", "max_depth", "extra_words")

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SETTINGS}


class DebateCreateForm(DebateSettingsForm):
    classrooms = ClassroomsField(label=_("Classes"), queryset=None)
    thesis = forms.CharField(
        label=_("Thèse"),
        help_text=_("L'affirmation sur laquelle la classe argumente, pour ou contre."),
        max_length=THESIS_MAX_LENGTH,
    )
    context = forms.CharField(
        label=_("Contexte (facultatif)"),
        help_text=_("Quelques lignes lues par les élèves avant d'argumenter."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=CONTEXT_MAX_LENGTH,
        required=False,
    )
    consultation = forms.ModelChoiceField(
        label=_("Consultation liée (facultatif)"),
        help_text=_("Le débat peut préparer un vote ou le prolonger."),
        queryset=None,
        required=False,
        empty_label=_("Aucune : débat indépendant"),
    )

    field_order = ["classrooms", "thesis", "context", "consultation"]

    def __init__(self, *args, classrooms, consultations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classrooms"].queryset = classrooms
        if len(classrooms) == 1:
            self.fields["classrooms"].initial = [classrooms[0].pk]
        self.fields["consultation"].queryset = consultations

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "classrooms": list(data["classrooms"]),
            "thesis": data["thesis"],
            "context": data["context"],
            "consultation": data["consultation"],
        }


class ArgumentForm(forms.Form):
    """A post: an argument pour or contre (on the thesis, or in reply to `parent`), or a
    comment. One choice, `position`, gives both the kind and the side."""

    COMMENT = "comment"

    parent = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    position = forms.ChoiceField(
        label=_("Ton message est"),
        choices=[
            (Side.POUR, _("Un argument pour")),
            (Side.CONTRE, _("Un argument contre")),
            (COMMENT, _("Un commentaire (question, précision)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisis ton côté : pour ou contre (ou un commentaire).")},
    )
    text = forms.CharField(
        label=_("Ton message"),
        help_text=_("1 000 caractères au plus. Reste respectueux : on discute des idées."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=ARGUMENT_MAX_LENGTH * _RAW_FACTOR,
        error_messages={"required": _("Ton message est vide.")},
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        comment = data["position"] == self.COMMENT
        return {
            "kind": ArgumentKind.COMMENT if comment else ArgumentKind.ARGUMENT,
            "side": "" if comment else data["position"],
            "text": data["text"],
            "parent_id": data["parent"],
        }


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Pourquoi signales-tu ce message ?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisis un motif de signalement.")},
    )
    note = forms.CharField(
        label=_("Précision (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REPORT_NOTE_MAX_LENGTH,
        required=False,
    )


class ReasonForm(forms.Form):
    """The reason a moderator gives (kept in the log). Required or not by the action."""

    reason = forms.CharField(
        label=_("Raison (gardée dans le journal de modération)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = required
        if not required:
            field.label = _("Raison (facultatif, gardée dans le journal de modération)")
        field.error_messages["required"] = _(
            "Indique la raison (500 caractères au plus) : elle reste dans le journal."
        )
