from django.apps import AppConfig


class FloorsConfig(AppConfig):
    name = "tests.bench.floors"
    label = "floors"
    default_auto_field = "django.db.models.BigAutoField"
