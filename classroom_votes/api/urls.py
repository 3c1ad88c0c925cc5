from rest_framework.routers import SimpleRouter

from . import debate_views, views

app_name = "classroom_votes_api"

router = SimpleRouter()
router.register("consultations", views.ConsultationViewSet, basename="consultation")
router.register("debates", debate_views.DebateViewSet, basename="debate")
router.register("arguments", debate_views.ArgumentViewSet, basename="argument")

urlpatterns = router.urls
