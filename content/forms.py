"""The one form of the content app: launching a ready-made question (content.launch)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from school.models import Classroom


class ClassroomChoiceField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.school_year_label})"


class ReadyMadeLaunchForm(forms.Form):
    """Only the class is chosen, among the teacher's own classes that are not archived; the
    question, method, options and panels are the guide's, shown read-only."""

    classroom = ClassroomChoiceField(
        label=_("Avec la classe"),
        queryset=Classroom.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez une de vos classes.")},
    )

    def __init__(self, *args, classrooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classrooms.order_by("name")
        if len(self.fields["classroom"].queryset) == 1:
            self.fields["classroom"].initial = self.fields["classroom"].queryset[0].pk
