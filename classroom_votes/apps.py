from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomVotesConfig(AppConfig):
    name = "classroom_votes"
    label = "classroom_votes"
    verbose_name = _("Consultations en classe")
