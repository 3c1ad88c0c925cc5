"""The debate pages, in the classroom_votes namespace (classroom_votes/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    # Debates: `pk` is the debate, `argument_pk` one of its posts, `user_pk` one of its pupils.
    path("debats/", views.debate_list, name="debate_list"),
    path("debats/nouveau/", views.debate_create, name="debate_create"),
    path("debats/<int:pk>/", views.debate_detail, name="debate_detail"),
    path("debats/<int:pk>/colonnes/", views.debate_columns_page, name="debate_columns"),
    path("debats/<int:pk>/synthese/", views.debate_summary_page, name="debate_summary"),
    path("debats/<int:pk>/moderation/", views.debate_moderation, name="debate_moderation"),
    path(
        "debats/<int:pk>/reglages/",
        views.debate_settings_update,
        name="debate_settings_update",
    ),
    path("debats/<int:pk>/clore/", views.debate_close, name="debate_close"),
    path("debats/<int:pk>/rouvrir/", views.debate_reopen, name="debate_reopen"),
    path("debats/<int:pk>/archiver/", views.debate_archive, name="debate_archive"),
    path("debats/<int:pk>/publier/", views.debate_argument_post, name="debate_argument_post"),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/convaincant/",
        views.debate_argument_convincing,
        name="debate_argument_convincing",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/signaler/",
        views.debate_argument_report,
        name="debate_argument_report",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/retirer/",
        views.debate_argument_withdraw,
        name="debate_argument_withdraw",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/valider/",
        views.debate_argument_approve,
        name="debate_argument_approve",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/refuser/",
        views.debate_argument_reject,
        name="debate_argument_reject",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/masquer/",
        views.debate_argument_hide,
        name="debate_argument_hide",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/retablir/",
        views.debate_argument_restore,
        name="debate_argument_restore",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/ecarter-signalements/",
        views.debate_argument_reports_dismiss,
        name="debate_argument_reports_dismiss",
    ),
    path(
        "debats/<int:pk>/eleves/<int:user_pk>/bloquer/",
        views.debate_pupil_block,
        name="debate_pupil_block",
    ),
    path(
        "debats/<int:pk>/eleves/<int:user_pk>/debloquer/",
        views.debate_pupil_unblock,
        name="debate_pupil_unblock",
    ),
]
