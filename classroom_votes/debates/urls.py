"""The debate pages, in the classroom_votes namespace (classroom_votes/urls.py). `pk` is the
debate, `argument_pk` one of its posts, `user_pk` one of its pupils."""

from django.urls import include, path

from . import views

# /debats/<pk>/arguments/<argument_pk>/…: one view per action on a post.
one_post = [
    path("convaincant/", views.debate_argument_convincing, name="debate_argument_convincing"),
    path("signaler/", views.debate_argument_report, name="debate_argument_report"),
    path("retirer/", views.debate_argument_withdraw, name="debate_argument_withdraw"),
    path("valider/", views.debate_argument_approve, name="debate_argument_approve"),
    path("refuser/", views.debate_argument_reject, name="debate_argument_reject"),
    path("masquer/", views.debate_argument_hide, name="debate_argument_hide"),
    path("retablir/", views.debate_argument_restore, name="debate_argument_restore"),
    path(
        "ecarter-signalements/",
        views.debate_argument_reports_dismiss,
        name="debate_argument_reports_dismiss",
    ),
]

# /debats/<pk>/…
one_debate = [
    path("", views.debate_detail, name="debate_detail"),
    path("colonnes/", views.debate_columns_page, name="debate_columns"),
    path("synthese/", views.debate_summary_page, name="debate_summary"),
    path("moderation/", views.debate_moderation, name="debate_moderation"),
    path("reglages/", views.debate_settings_update, name="debate_settings_update"),
    path("clore/", views.debate_close, name="debate_close"),
    path("rouvrir/", views.debate_reopen, name="debate_reopen"),
    path("archiver/", views.debate_archive, name="debate_archive"),
    path("publier/", views.debate_argument_post, name="debate_argument_post"),
    path("arguments/<int:argument_pk>/", include(one_post)),
    path("eleves/<int:user_pk>/bloquer/", views.debate_pupil_block, name="debate_pupil_block"),
    path(
        "eleves/<int:user_pk>/debloquer/", views.debate_pupil_unblock, name="debate_pupil_unblock"
    ),
]

urlpatterns = [
    path("debats/", views.debate_list, name="debate_list"),
    path("debats/nouveau/", views.debate_create, name="debate_create"),
    path("debats/<int:pk>/", include(one_debate)),
]
