"""The consultation pages, in the classroom_votes namespace (classroom_votes/urls.py)."""

from django.urls import include, path

from ..elections import views as election_views
from . import views

# /consultations/<pk>/…
one_consultation = [
    path("", views.consultation_detail, name="consultation_detail"),
    path("voter/", views.consultation_vote, name="consultation_vote"),
    path("a-vote/", views.consultation_voted, name="consultation_voted"),
    path(
        "participation/", views.consultation_participation_live, name="consultation_participation"
    ),
    path("ouvrir/", views.consultation_open, name="consultation_open"),
    path("clore/", views.consultation_close, name="consultation_close"),
    path("resultats/", views.consultation_results_page, name="consultation_results"),
    path("resultats.csv", views.consultation_results_csv, name="consultation_results_csv"),
    path("second-tour/", views.consultation_second_round, name="consultation_second_round"),
    path(
        "classes/<int:classroom_pk>/proces-verbal/",
        views.consultation_pv_page,
        name="consultation_pv",
    ),
]

urlpatterns = [
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/nouvelle/", views.consultation_create, name="consultation_create"),
    path(
        "consultations/nationales/<int:pk>/lancer/",
        views.national_question_launch,
        name="national_question_launch",
    ),
    path(
        "consultations/elections/<int:pk>/lancer/",
        election_views.election_launch,
        name="election_launch",
    ),
    path("consultations/<int:pk>/", include(one_consultation)),
]
