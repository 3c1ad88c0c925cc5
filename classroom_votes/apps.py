from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomVotesConfig(AppConfig):
    name = "classroom_votes"
    label = "classroom_votes"
    verbose_name = _("Consultations en classe")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from school.privacy import exporter_register
        from school.teachers import teacher_exporter_register

        from .consultations.related import related_register
        from .consultations.selectors import (
            pupil_participations_export,
            results_seen_export,
            teacher_consultations_export,
        )
        from .debates.selectors import (
            debates_linked_to,
            pupil_debates_export,
            teacher_debates_export,
        )
        from .signals import user_pre_delete

        exporter_register("consultations", pupil_participations_export)
        exporter_register("debats", pupil_debates_export)
        teacher_exporter_register("consultations", teacher_consultations_export)
        teacher_exporter_register("debats", teacher_debates_export)
        exporter_register("resultats_consultes", results_seen_export)
        related_register("debates", debates_linked_to)
        # A pupil's words in debates are erased before their account (see signals).
        pre_delete.connect(
            user_pre_delete, sender=get_user_model(), dispatch_uid="classroom_votes_user_erase"
        )
