"""Admin forms of the courses app."""

from django.db import transaction
from wagtail.admin.forms import WagtailAdminModelForm

from .models import H5PPackage
from .services import h5p_package_candidate_submit, h5p_package_copy_submit, h5p_package_submit


class H5PPackageAdminForm(WagtailAdminModelForm):
    """Every package the admin creates goes to the checks (a Celery task, after commit): a new
    upload, a copy (« Copier », which gets its own copy of the file), or even no file at all
    (refused at once rather than pending for ever). A file replacing the one of a READY package
    is a candidate checked aside while the live version keeps playing.

    An edit saves only the form's own fields: the worker may change the package's state while
    the editor's request runs, and a full save would write back the state read at its start."""

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        user = getattr(self, "for_user", None)
        if self.instance._state.adding:
            return self._create(user=user)
        with transaction.atomic():
            row = (
                H5PPackage.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values("status", "file")
                .get()
            )
            replaced = "file" in self.changed_data
            upload = self.cleaned_data.get("file") if replaced else None
            live = row["status"] == H5PPackage.Status.READY
            if replaced and live:
                # The live file keeps playing; a new upload is checked aside, a cleared field
                # is ignored (delete the package to remove it).
                self.instance.file = row["file"]
            package = super().save(commit=False)
            columns = {field.name for field in H5PPackage._meta.concrete_fields}
            package.save(update_fields=[name for name in self.fields if name in columns])
            self.save_m2m()
            if replaced and live and upload:
                h5p_package_candidate_submit(package=package, upload=upload)
            elif replaced and not live:
                if row["file"] and row["file"] != package.file.name:
                    storage = package.file.storage
                    transaction.on_commit(lambda: storage.delete(row["file"]))
                h5p_package_submit(package=package, user=user)
        return package

    def _create(self, *, user) -> H5PPackage:
        uploaded = "file" in self.changed_data and self.instance.file
        package = super().save(commit=True)
        if uploaded or not package.file:
            return h5p_package_submit(package=package, user=user)
        return h5p_package_copy_submit(package=package, user=user)
