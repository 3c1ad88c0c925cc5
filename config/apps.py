from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "config"
    label = "config"
    verbose_name = "Hémicycle"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import pupil_session_start

        user_logged_in.connect(pupil_session_start, dispatch_uid="hemicycle_pupil_session_start")
