"""The consultations API (`/api/consultations/`), in the classroom_votes_api namespace."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = router.urls
