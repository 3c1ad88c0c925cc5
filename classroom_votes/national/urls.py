"""The public pages of the national questions, in the classroom_votes namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "consultations/nationales/resultats/",
        views.national_results_index,
        name="national_results_index",
    ),
    path(
        "consultations/nationales/<int:pk>/resultats/",
        views.national_results,
        name="national_results",
    ),
]
