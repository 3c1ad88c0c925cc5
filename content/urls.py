from django.urls import path

from . import views

urlpatterns = [path("glossaire/", views.glossary, name="glossary")]
