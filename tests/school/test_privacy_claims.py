"""The privacy pages say exactly what the code does: every automatic deletion they mention is
marked with the task that does it (data-retention-task), that task is in CELERY_BEAT_SCHEDULE,
and the figures and dates they state are the settings the tasks use. Settings are changed here
so that a figure written by hand in a template would show."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from school import services
from school.models import Classroom, PupilProfile
from school.selectors import school_year_end
from school.tasks import pupils_purge_archived
from tests.school.factories import classroom_create, pupil_create

pytestmark = pytest.mark.django_db

# Words that announce an automatic deletion or archiving in the pages' French.
DELETION_WORDS = re.compile(r"supprim|effac|archiv", re.IGNORECASE)


class _Claims(HTMLParser):
    """The text of the page's <main>, and each element marked data-retention-task with its
    attributes and text (data-retention-manual marks a deletion that a person makes)."""

    def __init__(self):
        super().__init__()
        self.claims: list[dict] = []
        self.stack: list[dict | None] = []
        self.loose: list[str] = []
        self.in_main = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main += 1
        claim = None
        if "data-retention-task" in attrs:
            claim = {**attrs, "text": ""}
            self.claims.append(claim)
        elif "data-retention-manual" in attrs:  # a deletion made by a person, not a task
            claim = {"text": ""}
        self.stack.append(claim)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        owner = next((claim for claim in reversed(self.stack) if claim), None)
        if owner is not None:
            owner["text"] += data
        elif self.in_main:
            self.loose.append(data)


def _claims(client, url: str) -> _Claims:
    response = client.get(url)
    assert response.status_code == 200
    parser = _Claims()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def odd_settings(settings):
    """Values no template could have by chance."""
    settings.HEMICYCLE_PUPIL_RETENTION_DAYS = 47
    settings.HEMICYCLE_SCHOOL_YEAR_END = "07-14"
    settings.HEMICYCLE_SCHOOL_YEAR_REMINDER_DAYS = 9
    settings.HEMICYCLE_SCHOOL_YEAR_GRACE_DAYS = 33
    return settings


@pytest.fixture
def pages(client, odd_settings):
    pupil = pupil_create(classroom=classroom_create())
    client.force_login(pupil.user)
    return {
        "privacy": _claims(client, reverse("school:privacy")),
        "legal": _claims(client, reverse("legal")),
    }


@pytest.mark.parametrize("page", ["privacy", "legal"])
def test_every_deletion_the_page_mentions_has_its_task_in_beat(pages, page, settings):
    claims = pages[page]
    assert claims.claims, "the page states no deletion"
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for claim in claims.claims:
        assert claim["data-retention-task"] in beat, claim
    # No sentence about deleting or archiving escapes the markers (the page's text was read).
    assert any("pseudonyme" in text for text in claims.loose)
    assert not [text for text in claims.loose if DELETION_WORDS.search(text)]
    tasks = {claim["data-retention-task"] for claim in claims.claims}
    assert {
        "school.tasks.classrooms_year_end",
        "school.tasks.pupils_purge_archived",
        "school.tasks.sessions_clear",
    } <= tasks


@pytest.mark.parametrize("page", ["privacy", "legal"])
def test_figures_on_the_page_are_the_settings_the_tasks_use(pages, page, odd_settings):
    by_task = {claim["data-retention-task"]: claim for claim in pages[page].claims}
    purge = by_task["school.tasks.pupils_purge_archived"]
    assert purge["data-retention-days"] == "47" and "47 jours" in purge["text"]
    year_end = by_task["school.tasks.classrooms_year_end"]
    assert year_end["data-retention-date"] == "14 juillet" and "14 juillet" in year_end["text"]
    if page == "legal":
        assert "9 jours avant" in year_end["text"] and "33 jours" in year_end["text"]
    for text in (purge["text"], year_end["text"]):
        assert "90" not in text and "31 août" not in text


def test_the_stated_dates_are_what_the_tasks_do(pages, odd_settings):
    """Archived on the date the page states, erased after the days it states, not before."""
    by_task = {claim["data-retention-task"]: claim for claim in pages["privacy"].claims}
    days = int(by_task["school.tasks.pupils_purge_archived"]["data-retention-days"])
    assert by_task["school.tasks.classrooms_year_end"]["data-retention-date"] == "14 juillet"
    end = school_year_end(school_year=2025)
    assert (end.month, end.day) == (7, 14)
    classroom = classroom_create(school_year=2025, name="1re Z")
    Classroom.objects.filter(pk=classroom.pk).update(
        created_at=timezone.now() - timedelta(days=900)
    )
    pupil_create(classroom=classroom)
    now = timezone.make_aware(timezone.datetime.combine(end, timezone.datetime.min.time()))
    assert services.classrooms_year_end(now=now - timedelta(days=1)).archived == 0
    assert services.classrooms_year_end(now=now).archived == 1
    # The real task, with its own settings: kept a day before the stated delay, erased after.
    Classroom.objects.filter(pk=classroom.pk).update(
        archived_at=timezone.now() - timedelta(days=days - 1)
    )
    assert pupils_purge_archived.delay().get(timeout=30) == 0
    Classroom.objects.filter(pk=classroom.pk).update(
        archived_at=timezone.now() - timedelta(days=days, hours=1)
    )
    assert pupils_purge_archived.delay().get(timeout=30) == 1
    assert not PupilProfile.objects.filter(classroom=classroom).exists()
