from django.urls import path

from . import views

app_name = "landing"
urlpatterns = [
    path("mon-espace/eleve/", views.pupil_home, name="pupil"),
    path("mon-espace/enseignant/", views.teacher_home, name="teacher"),
]
