from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from school import views as school_views
from school.forms import EmailLoginForm
from school.throttles import SCOPE_TEACHER_LOGIN, throttled

from .api import api_router

# A database that cannot be reached answers 503 (to be sent again), anything else 500.
handler500 = "config.error_views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/", include("school.api.urls")),
    path("api/", include("courses.api.urls")),
    path("api/", include("classroom_votes.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "connexion/",
        throttled(SCOPE_TEACHER_LOGIN)(
            auth_views.LoginView.as_view(
                template_name="registration/login.html", authentication_form=EmailLoginForm
            )
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("mentions-legales/", school_views.legal, name="legal"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", include("school.urls")),
    path("", include("courses.urls")),
    path("", include("classroom_votes.urls")),
    path("", include("content.urls")),
    path("", include(wagtail_urls)),
]
