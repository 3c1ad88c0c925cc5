from django.urls import path

from . import views

app_name = "school"
urlpatterns = [
    path("inscription/", views.teacher_signup, name="teacher_signup"),
    path("inscription/envoyee/", views.teacher_signup_done, name="teacher_signup_done"),
    path("inscription/confirmer/<uidb64>/<token>/", views.teacher_confirm, name="teacher_confirm"),
    path("mon-espace/", views.account_home, name="account_home"),
    # A teacher's account (school.views.account) and requests to join a school.
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/export.json", views.account_export, name="account_export"),
    path("mon-compte/supprimer/", views.account_erase, name="account_erase"),
    path("mon-compte/mot-de-passe/", views.password_change, name="password_change"),
    path(
        "mon-compte/mot-de-passe/modifie/",
        views.password_change_done,
        name="password_change_done",
    ),
    path("mot-de-passe-oublie/", views.password_reset, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe-oublie/termine/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("etablissements/demandes/", views.membership_requests, name="membership_requests"),
    path(
        "etablissements/demandes/<int:request_id>/",
        views.membership_request_decide,
        name="membership_request_decide",
    ),
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
        "classes/<int:pk>/eleves/<int:user_id>/debloquer/",
        views.pupil_unlock,
        name="pupil_unlock",
    ),
    path("classes/<int:pk>/eleves/debloquer/", views.pupils_unlock, name="pupils_unlock"),
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
    path("mon-compte/jetons/", views.api_tokens, name="api_tokens"),
    path("mes-donnees/", views.privacy, name="privacy"),
    path("mes-donnees/export.json", views.privacy_export, name="privacy_export"),
]
