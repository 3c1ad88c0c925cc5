"""The open data of imported elections (`/api/elections/`), in the classroom_votes_api namespace."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("elections", views.ElectionViewSet, basename="election")

urlpatterns = router.urls
