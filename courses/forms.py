"""Admin forms of the courses app."""

from wagtail.admin.forms import WagtailAdminModelForm

from .services import h5p_package_submit


class H5PPackageAdminForm(WagtailAdminModelForm):
    """A new or replaced file goes to the checks (a Celery task, after commit)."""

    def save(self, commit=True):
        file_changed = "file" in self.changed_data
        package = super().save(commit=commit)
        if commit and file_changed and package.file:
            user = getattr(self, "for_user", None)
            h5p_package_submit(package=package, user=user)
        return package
