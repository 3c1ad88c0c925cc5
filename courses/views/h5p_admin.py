"""The H5P packages' admin beyond Wagtail's generic snippet views: « Relancer la vérification »,
a copy that gets its own checked file, the state shown in the listing and the chooser.

Only editors reach these (Wagtail's admin access, then the snippet's permission policy): the
retry needs the "change" permission on the package, is POST only and CSRF-checked; a copy needs
"add", and "view" or "change" on the original (Wagtail's CopyView)."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.panels import Panel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import CopyView

from ..models import H5PPackage
from ..services import H5P_PACKAGE_CHECK_TIMEOUT, h5p_package_check_retry

RETRY_URL_NAME = "check_retry"


def status_column() -> Column:
    return Column(
        "status_summary", label=gettext_lazy("État"), accessor="status_summary", sort_key=None
    )


def check_retry_view(viewset):
    """The view behind « Relancer la vérification » for `viewset` (an H5PPackageViewSet)."""

    @require_POST
    def view(request, pk):
        package = get_object_or_404(H5PPackage, pk=pk)
        if not viewset.permission_policy.user_has_permission_for_instance(
            request.user, "change", package
        ):
            raise PermissionDenied
        if h5p_package_check_retry(package=package):
            messages.success(request, _("La vérification du fichier est relancée."))
        else:
            messages.error(request, _("Il n'y a pas de vérification à relancer pour ce fichier."))
        return redirect(viewset.get_url_name("edit"), quote(package.pk))

    return view


def can_retry(package: H5PPackage) -> bool:
    return bool(
        (package.error_code == H5P_PACKAGE_CHECK_TIMEOUT and package.file)
        or (package.candidate_error_code == H5P_PACKAGE_CHECK_TIMEOUT and package.candidate_file)
    )


class H5PCheckPanel(Panel):
    """The state of the checks in the edit view, and « Relancer la vérification » when a check
    did not finish. The button submits the edit form to the retry URL (formaction): a form may
    not sit inside another, and this keeps it working without JavaScript."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/h5p_check_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            package = self.instance
            context["package"] = package
            if package.pk and can_retry(package):
                namespace = package.snippet_viewset.get_admin_url_namespace()
                context["retry_url"] = reverse(
                    f"{namespace}:{RETRY_URL_NAME}", args=[quote(package.pk)]
                )
            return context


class H5PPackageCopyView(CopyView):
    """« Copier »: the form posts back here (not to the add view, which would not know the
    original) and the new package starts with the original's title, description and file
    name; the admin form then gives it its own copy of the file and checks it."""

    def get_initial_form_instance(self):
        original = self.get_object()
        return H5PPackage(
            title=original.title, description=original.description, file=original.file.name
        )

    def get_add_url(self):
        name = self.model.snippet_viewset.get_url_name("copy")
        return reverse(name, args=[quote(self.kwargs[self.pk_url_kwarg])])


class _StatusChooseMixin:
    """The chooser lists every package with its state; only ready ones can be picked (the
    lesson block refuses the others too: courses.blocks.H5PBlock)."""

    @property
    def columns(self):
        return [*super().columns, status_column()]

    @property
    def title_column(self):
        column = super().title_column
        link = column.get_link_url
        column.get_link_url = lambda obj, context: link(obj, context) if obj.is_ready else None
        return column


class H5PChooseView(_StatusChooseMixin, snippet_chooser.ChooseView):
    pass


class H5PChooseResultsView(_StatusChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class H5PChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = H5PChooseView
    choose_results_view_class = H5PChooseResultsView
