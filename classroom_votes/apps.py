from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomVotesConfig(AppConfig):
    name = "classroom_votes"
    label = "classroom_votes"
    verbose_name = _("Consultations en classe")

    def ready(self):
        from school.privacy import exporter_register

        from .selectors import pupil_participations_export

        exporter_register("consultations", pupil_participations_export)
