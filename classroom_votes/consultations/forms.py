"""Forms of the consultation pages and of the national questions' admin."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from school.models import Classroom

from .. import tallies
from ..models import FIXED_ANSWERS, Consultation, ResultsVisibility, SourcePanel
from ..models.consultations import (
    MIN_BALLOTS_FLOOR,
    MIN_BALLOTS_MAX,
    PANEL_TITLE_DEFAULTS,
    PANEL_TITLE_MAX_LENGTH,
)
from ..models.national import option_key_from_label
from .services import SOURCES_MAX

NATIONAL_OPTIONS_MIN = 2


def _kept_forms(formset):
    """The inline forms that will be saved: filled in and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.has_changed() or form.instance.pk
        if not formset._should_delete_form(form)
    ]


class NationalQuestionAdminForm(WagtailAdminModelForm):
    """The rules `consultation_create` applies to a teacher's question, checked where the
    editor can fix them; option keys made from the labels; and once a class has voted, the
    method and the list of options are fixed (labels may still be corrected)."""

    def clean(self):
        cleaned = super().clean()
        options = self.formsets["options"]
        if not options.is_valid():
            return cleaned
        kept = _kept_forms(options)
        method = cleaned.get("method")
        if method in FIXED_ANSWERS:
            if kept:
                self.add_error(
                    None,
                    _(
                        "Ce mode de scrutin a ses réponses fixées : retirez les options "
                        "(Pour / Contre / Vote blanc, ou l'échelle Waouh … Beurk)."
                    ),
                )
        elif method and not NATIONAL_OPTIONS_MIN <= len(kept) <= tallies.MAX_OPTIONS:
            self.add_error(
                None,
                _("Ce mode de scrutin demande de %(min)s à %(max)s options.")
                % {"min": NATIONAL_OPTIONS_MIN, "max": tallies.MAX_OPTIONS},
            )
        labels = [form.instance.label.strip().casefold() for form in kept]
        if len(set(labels)) != len(labels):
            self.add_error(None, _("Deux options portent le même intitulé."))

        if (
            self.instance.pk
            and Consultation.objects.filter(national_question=self.instance).exists()
        ):
            before = set(self.instance.options.values_list("key", flat=True))
            after = {form.instance.key for form in kept}
            if method != self.instance.method or before != after:
                self.add_error(
                    None,
                    _(
                        "Des classes ont déjà lancé cette question : son mode de scrutin et "
                        "ses options ne peuvent plus changer (les intitulés peuvent être "
                        "corrigés)."
                    ),
                )
                return cleaned

        taken = {form.instance.key for form in kept if form.instance.key}
        for form in kept:
            if not form.instance.key:
                form.instance.key = option_key_from_label(form.instance.label, taken)
                taken.add(form.instance.key)
        return cleaned


class VoteForm(forms.Form):
    """The ballot paper of one consultation, for the pupil's page. `clean()` gives the ballot
    content as tallies.ballot_validate expects it; the service checks it again."""

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        method = consultation.method
        labels = consultation.option_labels()
        self.option_keys = consultation.option_keys()
        if method in (tallies.VotingMethod.YES_NO, tallies.VotingMethod.SINGLE):
            choices = [(key, labels[key]) for key in self.option_keys]
            choices.append((tallies.BLANK, labels[tallies.BLANK]))
            self.fields["choice"] = forms.ChoiceField(
                label=_("Ton vote"),
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choisis une réponse (ou le vote blanc).")},
            )
        elif method == tallies.VotingMethod.SCALE5:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Ton avis"),
                choices=[(key, labels[key]) for key in self.option_keys],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choisis un niveau de l'échelle.")},
            )
        elif method == tallies.VotingMethod.APPROVAL:
            self.fields["approved"] = forms.MultipleChoiceField(
                label=_("Les options que tu approuves"),
                help_text=_("Coche toutes celles qui te conviennent ; aucune coche = vote blanc."),
                choices=[(key, labels[key]) for key in self.option_keys],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        elif method == tallies.VotingMethod.MAJORITY_JUDGMENT:
            for key in self.option_keys:
                self.fields[f"grade_{key}"] = forms.ChoiceField(
                    label=labels[key],
                    choices=tallies.Grade.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Donne une mention à cette option.")},
                )
        elif method == tallies.VotingMethod.RANKED:
            positions = [(str(n), str(n)) for n in range(1, len(self.option_keys) + 1)]
            for key in self.option_keys:
                self.fields[f"rank_{key}"] = forms.ChoiceField(
                    label=labels[key],
                    choices=[("", _("Non classé")), *positions],
                    required=False,
                )

    def grade_fields(self):
        return [self[f"grade_{key}"] for key in self.option_keys if f"grade_{key}" in self.fields]

    def rank_fields(self):
        return [self[f"rank_{key}"] for key in self.option_keys if f"rank_{key}" in self.fields]

    def content(self) -> dict:
        """The ballot as tallies reads it, from cleaned data."""
        method = self.consultation.method
        data = self.cleaned_data
        if "choice" in self.fields:
            return {"choice": data["choice"]}
        if method == tallies.VotingMethod.APPROVAL:
            return {"approved": list(data["approved"])}
        if method == tallies.VotingMethod.MAJORITY_JUDGMENT:
            return {"grades": {key: data[f"grade_{key}"] for key in self.option_keys}}
        ranks = {key: data[f"rank_{key}"] for key in self.option_keys if data[f"rank_{key}"]}
        return {"ranking": sorted(ranks, key=lambda key: int(ranks[key]))}

    def clean(self):
        cleaned = super().clean()
        if self.consultation.method == tallies.VotingMethod.RANKED and not self.errors:
            self._ranks_check(cleaned)
        return cleaned

    def _ranks_check(self, cleaned) -> None:
        """Each rank once, from 1 without a gap: a shared rank is an error on each option that
        holds it, a missing rank one error naming it, so that the pupil knows what to fix."""
        labels = self.consultation.option_labels()
        holders: dict[int, list[str]] = {}
        for key in self.option_keys:
            if cleaned.get(f"rank_{key}"):
                holders.setdefault(int(cleaned[f"rank_{key}"]), []).append(key)
        for rank, keys in sorted(holders.items()):
            if len(keys) > 1:
                names = ", ".join(f"« {labels[key]} »" for key in keys)
                for key in keys:
                    self.add_error(
                        f"rank_{key}",
                        _(
                            "Le rang %(rank)s est donné à %(names)s : chaque rang ne sert "
                            "qu'une fois."
                        )
                        % {"rank": rank, "names": names},
                    )
        if holders:
            missing = [n for n in range(1, max(holders) + 1) if n not in holders]
            if missing:
                self.add_error(
                    None,
                    ngettext(
                        "Il manque le rang %(ranks)s : classe les options à partir de 1, sans "
                        "sauter de rang.",
                        "Il manque les rangs %(ranks)s : classe les options à partir de 1, sans "
                        "sauter de rang.",
                        len(missing),
                    )
                    % {"ranks": ", ".join(str(n) for n in missing)},
                )

    def summary(self) -> list[tuple[str, str]]:
        """(what, answer) lines for the confirmation step, in the pupil's words."""
        labels = self.consultation.option_labels()
        content = self.content()
        if "choice" in content:
            return [(str(_("Ton vote")), labels[content["choice"]])]
        if "approved" in content:
            if not content["approved"]:
                return [(str(_("Ton vote")), str(_("Vote blanc (aucune option approuvée)")))]
            return [(str(_("Tu approuves")), labels[key]) for key in content["approved"]]
        if "grades" in content:
            grades = dict(tallies.Grade.choices)
            return [(labels[key], str(grades[grade])) for key, grade in content["grades"].items()]
        if not content["ranking"]:
            return [(str(_("Ton vote")), str(_("Vote blanc (aucune option classée)")))]
        return [
            (str(_("Rang %(n)s") % {"n": n}), labels[key])
            for n, key in enumerate(content["ranking"], start=1)
        ]


class ClassroomsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.school_year_label})"


# What each method asks of the pupil, in one line, for the first step of the creation.
METHOD_EXPLANATIONS = {
    tallies.VotingMethod.YES_NO: _(
        "Une question fermée : chaque élève vote pour, contre ou blanc."
    ),
    tallies.VotingMethod.SCALE5: _(
        "Chaque élève donne son avis sur cinq niveaux, de « Waouh » à « Beurk »."
    ),
    tallies.VotingMethod.SINGLE: _(
        "Chaque élève choisit une option ou un candidat ; un second tour est possible."
    ),
    tallies.VotingMethod.APPROVAL: _(
        "Chaque élève coche toutes les options qu'il approuve ; la plus approuvée l'emporte."
    ),
    tallies.VotingMethod.MAJORITY_JUDGMENT: _(
        "Chaque élève donne une mention à chaque option, d'« Excellent » à « À rejeter »."
    ),
    tallies.VotingMethod.RANKED: _(
        "Chaque élève classe les options ; les moins soutenues sont éliminées tour à tour."
    ),
}


class MethodChoiceForm(forms.Form):
    """The first step of the creation: the voting method, which decides the fields of the
    second. Both steps carry it (a query parameter, then a hidden field) and each checks it."""

    method = forms.ChoiceField(
        label=_("Mode de scrutin"),
        choices=tallies.VotingMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez un mode de scrutin."),
            "invalid_choice": _("Ce mode de scrutin n'existe pas."),
        },
    )

    def methods(self) -> list[dict]:
        """The radio buttons with their one-line explanation."""
        return [
            {"choice": choice, "explanation": METHOD_EXPLANATIONS[choice.data["value"]]}
            for choice in self["method"]
        ]


class ConsultationCreateForm(forms.Form):
    """The second step: a teacher's own question for one method (`method`), with only the
    fields that method needs: options typed one per line unless its answers are fixed, the
    second round for the single choice only. The panels' titles start from their defaults; the
    sources come as a formset (`sources`) that grows one block at a time."""

    method = forms.ChoiceField(choices=tallies.VotingMethod.choices, widget=forms.HiddenInput)
    classrooms = ClassroomsField(label=_("Classes"), queryset=None)
    title = forms.CharField(label=_("Question"), max_length=300)
    context = forms.CharField(
        label=_("Contexte"),
        help_text=_("Quelques lignes lues par les élèves avant le vote."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    options = forms.CharField(
        label=_("Options ou candidats"),
        help_text=_("Une par ligne, deux au moins."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    second_round = forms.BooleanField(
        label=_("Second tour entre les deux premiers si personne n'a la majorité absolue"),
        required=False,
    )
    panel_title_medias = forms.CharField(
        label=_("Titre du panneau des articles de presse"),
        max_length=PANEL_TITLE_MAX_LENGTH,
        initial=PANEL_TITLE_DEFAULTS[SourcePanel.MEDIAS],
        required=False,
    )
    panel_title_pour = forms.CharField(
        label=_("Titre du panneau des arguments pour"),
        max_length=PANEL_TITLE_MAX_LENGTH,
        initial=PANEL_TITLE_DEFAULTS[SourcePanel.POUR],
        required=False,
    )
    panel_title_contre = forms.CharField(
        label=_("Titre du panneau des arguments contre"),
        max_length=PANEL_TITLE_MAX_LENGTH,
        initial=PANEL_TITLE_DEFAULTS[SourcePanel.CONTRE],
        required=False,
    )
    min_ballots = forms.IntegerField(
        label=_("Nombre minimal de bulletins pour publier les résultats"),
        help_text=_("En dessous, les résultats restent cachés pour protéger le secret du vote."),
        min_value=MIN_BALLOTS_FLOOR,
        max_value=MIN_BALLOTS_MAX,
        initial=MIN_BALLOTS_FLOOR,
    )
    results_visibility = forms.ChoiceField(
        label=_("Résultats visibles"),
        choices=ResultsVisibility.choices,
        initial=ResultsVisibility.AFTER_CLOSE,
        widget=forms.RadioSelect,
        help_text=_(
            "En direct, vous verrez combien ont voté mais pas qui avant la clôture : sinon, "
            "chaque vote qui arrive se lirait dans les résultats."
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Clôture programmée (facultatif)"),
        help_text=_("Sinon, vous closez le vote vous-même."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        required=False,
    )

    def __init__(self, *args, classrooms, method: str, sources_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        self.fields["method"].initial = method
        self.fields["classrooms"].queryset = classrooms
        if len(classrooms) == 1:
            self.fields["classrooms"].initial = [classrooms[0].pk]
        if method in FIXED_ANSWERS:
            del self.fields["options"]
        if method != tallies.VotingMethod.SINGLE:
            del self.fields["second_round"]
        self.sources = SourceFormSet(
            self.data if self.is_bound else None, prefix="sources", initial=sources_initial
        )

    def is_valid(self):
        return super().is_valid() & self.sources.is_valid()

    def panel_title_fields(self):
        return [self[f"panel_title_{panel}"] for panel in SourcePanel.values]

    def can_add_source(self) -> bool:
        return self.sources.total_form_count() < SOURCES_MAX

    def with_one_more_source(self) -> "ConsultationCreateForm":
        """The same form, unbound (so that no error shows yet), with what was typed and one
        more empty source block: « Ajouter une source » without JavaScript."""
        initial = {name: self[name].value() for name in self.fields}
        rows = [{name: form[name].value() for name in form.fields} for form in self.sources.forms]
        return ConsultationCreateForm(
            classrooms=self.fields["classrooms"].queryset,
            method=self.method,
            initial=initial,
            sources_initial=rows[: SOURCES_MAX - 1],
        )

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method is not None and method != self.method:
            raise ValidationError(_("Le mode de scrutin a changé en cours de route : recommencez."))
        labels = []
        if "options" in self.fields:
            lines = [line.strip() for line in cleaned.get("options", "").splitlines()]
            labels = [line for line in lines if line]
            if len(labels) < 2:
                self.add_error("options", _("Donnez au moins deux options, une par ligne."))
            if len({label.casefold() for label in labels}) != len(labels):
                self.add_error("options", _("Deux options portent le même intitulé."))
        if "second_round" not in self.fields and self.data.get(self.add_prefix("second_round")):
            self.add_error(None, _("Le second tour n'existe que pour le choix unique."))
        cleaned["option_labels"] = labels
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        taken: set[str] = set()
        options = []
        for label in data["option_labels"]:
            key = option_key_from_label(label, taken)
            taken.add(key)
            options.append({"key": key, "label": label})
        return {
            "classrooms": list(data["classrooms"]),
            "title": data["title"],
            "context": data["context"],
            "method": self.method,
            "options": options,
            "sources": [
                {key: form.cleaned_data[key] for key in ("panel", "title", "url", "summary")}
                for form in self.sources.forms
                if form.has_changed() and form.cleaned_data.get("title")
            ],
            "second_round": data.get("second_round", False),
            "min_ballots": data["min_ballots"],
            "results_visibility": data["results_visibility"],
            "closes_at": data["closes_at"],
            "panel_titles": {panel: data[f"panel_title_{panel}"] for panel in SourcePanel.values},
        }


class SourceForm(forms.Form):
    panel = forms.ChoiceField(label=_("Panneau"), choices=SourcePanel.choices)
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    url = forms.URLField(
        label=_("Lien"),
        help_text=_("Obligatoire pour un article de presse."),
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    summary = forms.CharField(
        label=_("Résumé"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and (cleaned.get("url") or cleaned.get("summary")):
            self.add_error("title", _("Donnez un titre à cette source."))
        if (
            cleaned.get("title")
            and cleaned.get("panel") == SourcePanel.MEDIAS
            and not cleaned.get("url")
        ):
            self.add_error(
                "url", _("Un article du panneau « Les médias en parlent » a besoin d'un lien.")
            )
        return cleaned


class _SourceBaseFormSet(forms.BaseFormSet):
    """Sources added one at a time, never edited in place: no block is an « initial » one. The
    blocks carried over by « Ajouter une source » come as `initial`; a new block suggests the
    next panel in turn. At most SOURCES_MAX blocks, whatever the management form claims."""

    item_name = _("Source")

    def initial_form_count(self):
        return 0

    def total_form_count(self):
        if self.is_bound:
            return super().total_form_count()
        return min(len(self.initial or ()) + self.extra, self.absolute_max)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        rows = self.initial or ()
        if index is not None and index < len(rows):
            kwargs["initial"] = rows[index]
        else:
            panels = SourcePanel.values
            kwargs["initial"] = {"panel": panels[(index or 0) % len(panels)]}
        return kwargs


SourceFormSet = forms.formset_factory(
    SourceForm,
    formset=_SourceBaseFormSet,
    extra=1,
    max_num=SOURCES_MAX,
    absolute_max=SOURCES_MAX,
    validate_max=True,
)


class NationalLaunchForm(forms.Form):
    classrooms = ClassroomsField(label=_("Dans la classe"), queryset=None)

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classrooms"].queryset = Classroom.objects.filter(
            pk__in=[classroom.pk for classroom in classrooms]
        ).order_by("name")
        if len(classrooms) == 1:
            self.fields["classrooms"].initial = [classrooms[0].pk]
