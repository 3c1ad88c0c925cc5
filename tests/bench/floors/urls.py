from django.urls import include, path
from wagtail import urls as wagtail_urls

from . import views

urlpatterns = [
    path("vote/<int:consultation_id>/", views.vote),
    path("statements/", views.statements),
    path("", include(wagtail_urls)),
]
