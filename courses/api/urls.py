from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .xapi import XAPIStatementsView

app_name = "courses_api"

router = SimpleRouter()
router.register("assignments", views.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("xapi/statements/", XAPIStatementsView.as_view(), name="xapi-statements"),
    *router.urls,
]
