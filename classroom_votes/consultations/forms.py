"""Forms of the consultation pages and of the national questions' admin."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm

from school.models import Classroom

from .. import tallies
from ..models import FIXED_ANSWERS, Consultation, ResultsVisibility, SourcePanel
from ..models.consultations import MIN_BALLOTS_FLOOR, MIN_BALLOTS_MAX
from ..models.national import option_key_from_label

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


class ConsultationCreateForm(forms.Form):
    """A teacher's own question. Options are typed one per line; the three panels come as a
    small formset (`sources`) with two rows per panel, so that no JavaScript is needed."""

    classrooms = ClassroomsField(label=_("Classes"), queryset=None)
    title = forms.CharField(label=_("Question"), max_length=300)
    context = forms.CharField(
        label=_("Contexte"),
        help_text=_("Quelques lignes lues par les élèves avant le vote."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    method = forms.ChoiceField(
        label=_("Mode de scrutin"), choices=tallies.VotingMethod.choices, widget=forms.RadioSelect
    )
    options = forms.CharField(
        label=_("Options ou candidats"),
        help_text=_(
            "Une par ligne. Inutile pour « Pour, contre ou vote blanc » et pour l'échelle à "
            "cinq niveaux : leurs réponses sont fixées."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    second_round = forms.BooleanField(
        label=_("Second tour entre les deux premiers si personne n'a la majorité absolue"),
        help_text=_("Choix unique seulement."),
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

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classrooms"].queryset = classrooms
        if len(classrooms) == 1:
            self.fields["classrooms"].initial = [classrooms[0].pk]
        self.sources = SourceFormSet(self.data if self.is_bound else None, prefix="sources")

    def is_valid(self):
        return super().is_valid() & self.sources.is_valid()

    def clean(self):
        cleaned = super().clean()
        lines = [line.strip() for line in cleaned.get("options", "").splitlines()]
        labels = [line for line in lines if line]
        method = cleaned.get("method")
        if method in FIXED_ANSWERS:
            labels = []
        elif method and len(labels) < 2:
            self.add_error("options", _("Donnez au moins deux options, une par ligne."))
        if len({label.casefold() for label in labels}) != len(labels):
            self.add_error("options", _("Deux options portent le même intitulé."))
        if cleaned.get("second_round") and method != tallies.VotingMethod.SINGLE:
            self.add_error("second_round", _("Le second tour n'existe que pour le choix unique."))
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
            "method": data["method"],
            "options": options,
            "sources": [
                {key: form.cleaned_data[key] for key in ("panel", "title", "url", "summary")}
                for form in self.sources.forms
                if form.has_changed() and form.cleaned_data.get("title")
            ],
            "second_round": data["second_round"],
            "min_ballots": data["min_ballots"],
            "results_visibility": data["results_visibility"],
            "closes_at": data["closes_at"],
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


SOURCE_ROWS_PER_PANEL = 2


class _SourceBaseFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        panels = SourcePanel.values
        kwargs["initial"] = {"panel": panels[(index or 0) // SOURCE_ROWS_PER_PANEL % len(panels)]}
        return kwargs


SourceFormSet = forms.formset_factory(
    SourceForm,
    formset=_SourceBaseFormSet,
    extra=SOURCE_ROWS_PER_PANEL * len(SourcePanel.values),
    max_num=30,
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
