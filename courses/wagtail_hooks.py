"""Admin registrations of the courses app."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import H5PPackageAdminForm
from .models import H5PPackage, LessonTeacherGuide
from .services import h5p_package_files_remove
from .views.h5p_admin import (
    RETRY_URL_NAME,
    H5PCheckPanel,
    H5PChooserViewSet,
    H5PPackageCopyView,
    check_retry_view,
    status_column,
)


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "pick"
    menu_label = _("Activités H5P")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["title", status_column(), "main_library", "max_score", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("file"),
            FieldPanel("max_score"),
            MultiFieldPanel(
                [H5PCheckPanel(), FieldPanel("main_library", read_only=True)],
                heading=_("Vérification"),
            ),
        ],
        base_form_class=H5PPackageAdminForm,
    )
    copy_view_class = H5PPackageCopyView
    chooser_viewset_class = H5PChooserViewSet

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("retry/<str:pk>/", check_retry_view(self), name=RETRY_URL_NAME),
        ]


register_snippet(H5PPackageViewSet)


class LessonTeacherGuideViewSet(SnippetViewSet):
    """Teacher's guides are written by editors; teachers read them on the site."""

    model = LessonTeacherGuide
    icon = "user"
    menu_label = _("Fiches enseignant")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["__str__", "duration_minutes", "updated_at"]


register_snippet(LessonTeacherGuideViewSet)


@hooks.register("after_delete_snippet")
def h5p_package_files_remove_after_delete(request, instances):
    for instance in instances:
        if isinstance(instance, H5PPackage):
            h5p_package_files_remove(package=instance)
