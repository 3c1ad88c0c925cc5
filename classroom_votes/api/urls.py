from rest_framework.routers import SimpleRouter

from . import views

app_name = "classroom_votes_api"

router = SimpleRouter()
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = router.urls
