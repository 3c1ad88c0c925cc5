"""The national open-data API (`/api/national-questions/`), in the classroom_votes_api
namespace. Public and read-only: what the classes' national questions add up to by territory.

The official results of real elections, imported beside them, will register their read-only
routes on this router too (`elections`, …), so that the open data stays in one place."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("national-questions", views.NationalQuestionViewSet, basename="national-question")

urlpatterns = router.urls
