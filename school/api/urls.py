from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "school_api"

router = SimpleRouter()
router.register("classes", views.ClassroomViewSet, basename="classroom")

urlpatterns = [
    path(
        "classes/<int:classroom_id>/pupils/",
        views.ClassroomPupilsView.as_view(),
        name="classroom-pupils",
    ),
    path("token/", views.TokenObtainView.as_view(), name="token"),
    path("token/logout/", views.TokenLogoutView.as_view(), name="token-logout"),
    path("tokens/", views.ApiTokenListView.as_view(), name="token-list"),
    path("tokens/<str:key>/", views.ApiTokenDetailView.as_view(), name="token-detail"),
    *router.urls,
]
