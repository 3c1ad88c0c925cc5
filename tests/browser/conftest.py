"""Browser fixtures: one headless Debian Chromium per module (Playwright's sync API), a fresh
context per test, the real seeded course behind pytest-django's live server."""

import pytest

from tests.conftest import ROOT, chromium_path, skip_or_fail, wagtail_tree_ensure

AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PUPIL_USERNAME = "renard-bleu-27"
PUPIL_PASSWORD = "secret-pupil-1"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if not executable:
        skip_or_fail("browser test needs Debian's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread: while it runs, Django would
    # refuse every ORM call made from that thread (fixtures, assertions, the flush after a test).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(**context_options) -> a page in a fresh context aimed at the live server; every
    context is closed after the test. Uncaught JavaScript errors are kept in page.js_errors."""
    contexts = []

    def open_page(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        # A script or resource the Content-Security-Policy blocked is a broken page too. Inline
        # styles are left out: axe-core, which the journeys inject, writes some itself.
        page.on(
            "console",
            lambda message: (
                page.js_errors.append(message.text)
                if "Content Security Policy" in message.text
                and not message.text.startswith("Applying inline style")
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def page_logged_in(new_page, live_server, user):
    """A new page already logged in as `user`: the session of a test client's force_login,
    handed to the browser as its cookie."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.fixture
def seeded(transactional_db):
    """The real course from content/data, published under the home page."""
    from content.loader import load_courses
    from content.seeding import content_seed
    from courses.models import LessonPage

    wagtail_tree_ensure()
    courses = load_courses()
    content_seed(courses=courses)
    course = courses[0]
    first = course.lessons[0]
    lesson = LessonPage.objects.get(slug=first.slug)
    quiz_id, quiz = next(iter(lesson.quiz_blocks().items()))
    return {
        "course_title": course.title,
        "lesson_title": first.title,
        "lesson": lesson,
        "lesson_url": lesson.url,
        "course_url": lesson.get_parent().url,
        "quiz_id": quiz_id,
        "question_count": len(quiz["questions"]),
    }


@pytest.fixture
def pupil(transactional_db):
    from school.models import User

    return User.objects.create_user(
        username=PUPIL_USERNAME, password=PUPIL_PASSWORD, role=User.Role.PUPIL
    )


def needs_h5p_standalone() -> None:
    """H5P browser tests play activities with h5p-standalone, installed by npm."""
    if not (ROOT / "node_modules" / "h5p-standalone" / "dist" / "main.bundle.js").exists():
        skip_or_fail("H5P browser test needs h5p-standalone: run `npm ci --ignore-scripts`")
