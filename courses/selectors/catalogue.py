"""Where the catalogue of courses is: the URL of the course index, for the site's header."""

from django.core.cache import cache

from ..models import CourseIndexPage

COURSE_INDEX_URL_KEY = "courses:course-index-url"


def course_index_url() -> str:
    """The URL of the published course index, "" when there is none. Cached: every page's header
    shows it, and courses.signals forgets it when a course index is published, unpublished,
    moved or deleted."""
    url = cache.get(COURSE_INDEX_URL_KEY)
    if url is None:
        index = CourseIndexPage.objects.live().public().order_by("path").first()
        url = (index.url or "") if index else ""
        cache.set(COURSE_INDEX_URL_KEY, url, timeout=None)
    return url


def course_index_url_forget() -> None:
    cache.delete(COURSE_INDEX_URL_KEY)
