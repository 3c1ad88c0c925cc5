"""Signal handlers of the courses app, connected by CoursesConfig.ready()."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import CourseIndexPage
from .selectors.catalogue import course_index_url_forget


def _course_index_changed(sender, **kwargs):
    course_index_url_forget()


def course_signals_connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move, post_delete):
        signal.connect(
            _course_index_changed, sender=CourseIndexPage, dispatch_uid=f"courses-index-{signal}"
        )
