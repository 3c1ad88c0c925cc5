"""An H5P upload is checked by a real Celery worker once the upload is committed, on PostgreSQL
with Redis as the broker."""

import pytest
from django.core.files import File

from courses import tasks
from courses.models import H5PPackage
from courses.services import h5p_content_dir, h5p_package_submit
from tests.conftest import h5p_fixture
from tests.integration.conftest import h5p_package_settled

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _upload(name: str) -> H5PPackage:
    with open(h5p_fixture(name), "rb") as handle:
        package = H5PPackage(title=name)
        package.file.save(name, File(handle), save=True)
    return package


@pytest.mark.parametrize(
    ("name", "status"),
    [("H5P.TrueFalse.h5p", H5PPackage.Status.READY), ("valid2.h5p", H5PPackage.Status.READY)],
)
def test_upload_is_processed_by_a_worker_after_commit(celery_queue, monkeypatch, name, status):
    sent = []

    def delay_on_test_queue(package_id):
        sent.append(package_id)
        return tasks.h5p_package_process.apply_async(args=[package_id], queue=celery_queue)

    monkeypatch.setattr(tasks.h5p_package_process, "delay", delay_on_test_queue)
    package = _upload(name)
    h5p_package_submit(package=package)  # autocommit: the task leaves at once
    assert sent == [package.pk]
    package = h5p_package_settled(package)
    assert package.status == status, package.error
    assert (h5p_content_dir(key=package.content_key) / "h5p.json").is_file()
