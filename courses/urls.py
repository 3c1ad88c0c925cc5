"""Progress pages under /suivi/ and the H5P endpoints under /h5p/ (mounted at the root)."""

from django.urls import path

from .views import h5p, progress, teacher

app_name = "courses"
urlpatterns = [
    path("suivi/", progress.dashboard, name="dashboard"),
    path("suivi/classes/", progress.classroom_list, name="classroom_list"),
    path("suivi/classes/<int:pk>/", progress.class_dashboard, name="class_dashboard"),
    path("suivi/classes/<int:pk>/export.csv", progress.class_export_csv, name="class_export_csv"),
    path("suivi/classes/<int:pk>/devoirs/", progress.assignments, name="assignments"),
    path(
        "suivi/classes/<int:pk>/devoirs/<int:assignment_pk>/retirer/",
        progress.assignment_remove,
        name="assignment_remove",
    ),
    path(
        "suivi/classes/<int:pk>/eleves/<int:user_pk>/",
        progress.pupil_detail,
        name="pupil_detail",
    ),
    path(
        "suivi/classes/<int:pk>/lecons/<int:lesson_pk>/",
        progress.lesson_questions,
        name="lesson_questions",
    ),
    path("enseignants/lecons/<int:lesson_pk>/fiche/", teacher.teacher_guide, name="teacher_guide"),
    path("h5p/contenus/<uuid:key>/<path:path>", h5p.h5p_file, name="h5p_file"),
    path(
        "h5p/lecteur/<int:lesson_pk>/<slug:activity_id>/",
        h5p.h5p_player,
        name="h5p_player",
    ),
    path(
        "h5p/activites/<int:lesson_pk>/<slug:activity_id>/",
        h5p.h5p_activity,
        name="h5p_activity",
    ),
    path(
        "h5p/etat/<int:lesson_pk>/<slug:activity_id>/<str:data_type>/<str:sub_content_id>/",
        h5p.h5p_state,
        name="h5p_state",
    ),
]
