"""Progress pages, under /suivi/ (see config/urls.py)."""

from django.urls import path

from .views import progress

app_name = "courses"
urlpatterns = [
    path("", progress.dashboard, name="dashboard"),
    path("classes/", progress.classroom_list, name="classroom_list"),
    path("classes/<int:pk>/", progress.class_dashboard, name="class_dashboard"),
    path("classes/<int:pk>/export.csv", progress.class_export_csv, name="class_export_csv"),
    path("classes/<int:pk>/devoirs/", progress.assignments, name="assignments"),
    path(
        "classes/<int:pk>/devoirs/<int:assignment_pk>/retirer/",
        progress.assignment_remove,
        name="assignment_remove",
    ),
    path("classes/<int:pk>/eleves/<int:user_pk>/", progress.pupil_detail, name="pupil_detail"),
    path(
        "classes/<int:pk>/lecons/<int:lesson_pk>/",
        progress.lesson_questions,
        name="lesson_questions",
    ),
]
