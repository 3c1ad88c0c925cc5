"""The debates API (`/api/debates/`, `/api/arguments/`), in the classroom_votes_api namespace."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("debates", views.DebateViewSet, basename="debate")
router.register("arguments", views.ArgumentViewSet, basename="argument")

urlpatterns = router.urls
