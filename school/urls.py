from django.urls import path

from . import views

app_name = "school"
urlpatterns = [
    path("inscription/", views.teacher_signup, name="teacher_signup"),
    path("mon-espace/", views.account_home, name="account_home"),
    path("classes/", views.classroom_list, name="classroom_list"),
    path("classes/nouvelle/", views.classroom_create, name="classroom_create"),
    path("classes/<int:pk>/", views.classroom_detail, name="classroom_detail"),
    path("classes/<int:pk>/code/", views.classroom_code_regenerate, name="classroom_code"),
    path("classes/<int:pk>/inscriptions/", views.classroom_join_set, name="classroom_join_set"),
    path(
        "classes/<int:pk>/inscriptions/reglages/",
        views.classroom_join_settings,
        name="classroom_join_settings",
    ),
    path("classes/<int:pk>/archiver/", views.classroom_archive, name="classroom_archive"),
    path("classes/<int:pk>/eleves/ajouter/", views.pupils_bulk_create, name="pupils_bulk_create"),
    path(
        "classes/<int:pk>/eleves/<int:user_id>/secret/",
        views.pupil_secret_reset,
        name="pupil_secret_reset",
    ),
    path("classes/<int:pk>/eleves/<int:user_id>/deplacer/", views.pupil_move, name="pupil_move"),
    path(
        "classes/<int:pk>/eleves/<int:user_id>/supprimer/",
        views.pupil_delete,
        name="pupil_delete",
    ),
    path(
        "classes/<int:pk>/eleves/accepter-tous/",
        views.pupils_approve_all,
        name="pupils_approve_all",
    ),
    path(
        "classes/<int:pk>/eleves/<int:user_id>/accepter/",
        views.pupil_approve,
        name="pupil_approve",
    ),
    path(
        "classes/<int:pk>/eleves/<int:user_id>/refuser/",
        views.pupil_refuse,
        name="pupil_refuse",
    ),
    path(
        "classes/<int:pk>/eleves/<int:user_id>/renommer/",
        views.pupil_rename,
        name="pupil_rename",
    ),
    path("rejoindre/", views.pupil_join, name="pupil_join"),
    path("rejoindre/en-attente/", views.pupil_waiting, name="pupil_waiting"),
    path("connexion-eleve/", views.pupil_login, name="pupil_login"),
    path("mes-donnees/", views.privacy, name="privacy"),
    path("mes-donnees/export.json", views.privacy_export, name="privacy_export"),
]
