from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolConfig(AppConfig):
    name = "school"
    label = "school"
    verbose_name = _("Établissements et comptes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import pupil_session_mark

        user_logged_in.connect(pupil_session_mark, dispatch_uid="school.pupil_session_mark")
