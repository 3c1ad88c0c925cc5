"""Pages of the content app (mounted at the root)."""

from django.urls import path

from . import views

app_name = "content"
urlpatterns = [
    path("glossaire/", views.glossary, name="glossary"),
    path(
        "enseignants/lecons/<int:lesson_pk>/lancer/",
        views.ready_made_launch_view,
        name="ready_made_launch",
    ),
]
