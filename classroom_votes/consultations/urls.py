"""The consultation pages, in the classroom_votes namespace (classroom_votes/urls.py)."""

from django.urls import path

from . import views

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
]
