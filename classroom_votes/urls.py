from django.urls import path

from . import debate_views, views

app_name = "classroom_votes"
urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/nouvelle/", views.consultation_create, name="consultation_create"),
    path(
        "consultations/nationales/<int:pk>/lancer/",
        views.national_question_launch,
        name="national_question_launch",
    ),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/voter/", views.consultation_vote, name="consultation_vote"),
    path("consultations/<int:pk>/a-vote/", views.consultation_voted, name="consultation_voted"),
    path(
        "consultations/<int:pk>/participation/",
        views.consultation_participation_live,
        name="consultation_participation",
    ),
    path("consultations/<int:pk>/ouvrir/", views.consultation_open, name="consultation_open"),
    path("consultations/<int:pk>/clore/", views.consultation_close, name="consultation_close"),
    path(
        "consultations/<int:pk>/resultats/",
        views.consultation_results_page,
        name="consultation_results",
    ),
    path(
        "consultations/<int:pk>/resultats.csv",
        views.consultation_results_csv,
        name="consultation_results_csv",
    ),
    path(
        "consultations/<int:pk>/classes/<int:classroom_pk>/proces-verbal/",
        views.consultation_pv_page,
        name="consultation_pv",
    ),
    # Debates: `pk` is the debate, `argument_pk` one of its posts, `user_pk` one of its pupils.
    path("debats/", debate_views.debate_list, name="debate_list"),
    path("debats/nouveau/", debate_views.debate_create, name="debate_create"),
    path("debats/<int:pk>/", debate_views.debate_detail, name="debate_detail"),
    path("debats/<int:pk>/colonnes/", debate_views.debate_columns_page, name="debate_columns"),
    path("debats/<int:pk>/synthese/", debate_views.debate_summary_page, name="debate_summary"),
    path("debats/<int:pk>/moderation/", debate_views.debate_moderation, name="debate_moderation"),
    path(
        "debats/<int:pk>/reglages/",
        debate_views.debate_settings_update,
        name="debate_settings_update",
    ),
    path("debats/<int:pk>/clore/", debate_views.debate_close, name="debate_close"),
    path("debats/<int:pk>/rouvrir/", debate_views.debate_reopen, name="debate_reopen"),
    path("debats/<int:pk>/archiver/", debate_views.debate_archive, name="debate_archive"),
    path(
        "debats/<int:pk>/publier/", debate_views.debate_argument_post, name="debate_argument_post"
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/convaincant/",
        debate_views.debate_argument_convincing,
        name="debate_argument_convincing",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/signaler/",
        debate_views.debate_argument_report,
        name="debate_argument_report",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/retirer/",
        debate_views.debate_argument_withdraw,
        name="debate_argument_withdraw",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/valider/",
        debate_views.debate_argument_approve,
        name="debate_argument_approve",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/refuser/",
        debate_views.debate_argument_reject,
        name="debate_argument_reject",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/masquer/",
        debate_views.debate_argument_hide,
        name="debate_argument_hide",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/retablir/",
        debate_views.debate_argument_restore,
        name="debate_argument_restore",
    ),
    path(
        "debats/<int:pk>/arguments/<int:argument_pk>/ecarter-signalements/",
        debate_views.debate_argument_reports_dismiss,
        name="debate_argument_reports_dismiss",
    ),
    path(
        "debats/<int:pk>/eleves/<int:user_pk>/bloquer/",
        debate_views.debate_pupil_block,
        name="debate_pupil_block",
    ),
    path(
        "debats/<int:pk>/eleves/<int:user_pk>/debloquer/",
        debate_views.debate_pupil_unblock,
        name="debate_pupil_unblock",
    ),
]
