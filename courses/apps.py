from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Cours")

    def ready(self):
        from school.privacy import exporter_register

        from .privacy import courses_data_export
        from .signals import course_signals_connect

        exporter_register("cours", courses_data_export)
        course_signals_connect()
