"""A pupil's journey through the real course in Chromium: home page, course, lesson, quiz
answered with and without JavaScript and with the keyboard only, and axe-core's WCAG 2.1 A/AA
checks on every page of the journey, on a desktop and on a phone-sized viewport."""

import re

import pytest
from playwright.sync_api import expect

from config.typography import french_text
from courses.models import QuizAttempt
from courses.scores import score_text

from .conftest import AXE_PATH, DESKTOP, MOBILE, PUPIL_PASSWORD, PUPIL_USERNAME

pytestmark = pytest.mark.browser

SUBMIT = "Valider mes réponses"
VERDICTS = re.compile(
    r"Bonne réponse\s!|Ce n'est pas la bonne réponse\."
    r"|Réponse en partie juste\s: [\d,]+ point sur 1\."
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def login(page):
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(PUPIL_USERNAME)
    page.get_by_label("Mot de passe").fill(PUPIL_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    # A pupil lands on « Mon espace »; the header never shows the internal username.
    expect(page).to_have_url(re.compile(r"/mon-espace/eleve/$"))
    # On a phone the header's account buttons only show in the menu: hidden, but there.
    logout = page.get_by_role("button", name="Se déconnecter", exact=True, include_hidden=True)
    expect(logout.first).to_be_attached()


def answer_first_choices(page, quiz_id):
    """Click the first choice's label of every question, as a pupil would; returns the count."""
    questions = page.locator(f"#quiz-{quiz_id} [data-question]")
    count = questions.count()
    for index in range(count):
        question = questions.nth(index)
        question.locator("label").first.click()
        expect(question.locator("input").first).to_be_checked()
    return count


def attempt_of(pupil, seeded):
    return QuizAttempt.objects.get(user=pupil, lesson=seeded["lesson"], quiz_id=seeded["quiz_id"])


def axe_blocking_violations(page):
    """Serious or critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugger protocol, which the pages' CSP does not govern
        # (a script tag would be inline code, which it forbids).
        page.evaluate(AXE_PATH.read_text() + "\n;undefined")
    results = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def axe_at_both_sizes(page, label: str, found: dict) -> None:
    """axe-core on the page as it is now, on a phone then a desktop; violations kept in `found`
    under « label (size) ». The page is left at the desktop size."""
    for name, viewport in (("mobile", MOBILE), ("bureau", DESKTOP)):
        page.set_viewport_size(viewport)
        violations = axe_blocking_violations(page)
        if violations:
            found[f"{label} ({name})"] = violations
    page.set_viewport_size(DESKTOP)


def describe(violations):
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        + (f" (+{len(v['nodes']) - 5})" if len(v["nodes"]) > 5 else "")
        for v in violations
    )


def test_journey_from_home_to_quiz_feedback_in_place(page, seeded, pupil):
    login(page)
    page.get_by_role("link", name="Accueil").first.click()

    page.locator("main").get_by_role("link", name=seeded["course_title"], exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(seeded["course_url"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded["course_title"])

    page.locator("main").get_by_role("link", name=seeded["lesson_title"], exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(seeded["lesson_url"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(seeded["lesson_title"])

    quiz = page.locator(f"#quiz-{seeded['quiz_id']}")
    # Nothing answered yet: the error shows in place and focus goes to the first question.
    quiz.get_by_role("button", name=SUBMIT).click()
    expect(quiz.locator("[data-quiz-error]")).to_have_text(
        "Réponds à toutes les questions avant de valider."
    )
    expect(quiz.locator("[data-question] input").first).to_be_focused()

    count = answer_first_choices(page, seeded["quiz_id"])
    assert count == seeded["question_count"]
    with page.expect_response(lambda r: "/quiz/" in r.url and r.request.method == "POST"):
        quiz.get_by_role("button", name=SUBMIT).click()

    score = quiz.locator("[data-quiz-score]")
    expect(score).to_be_visible()
    expect(score).to_have_text(re.compile(rf"^Ton score\s: [\d,]+ sur {count} \(enregistré\)\.$"))
    expect(score).to_be_focused()
    expect(quiz.locator("[data-quiz-error]")).to_be_hidden()
    feedback = quiz.locator("[data-feedback]")
    expect(feedback).to_have_count(count)
    for index in range(count):
        box = feedback.nth(index)
        expect(box).to_be_visible()
        expect(box.locator(".fr-alert")).to_have_text(VERDICTS)
        expect(box.locator(".hc-explanation")).not_to_be_empty()
    # Still the lesson page: the feedback came in place, not from a form post.
    expect(page).to_have_url(re.compile(re.escape(seeded["lesson_url"]) + "$"))

    attempt = attempt_of(pupil, seeded)
    assert attempt.max_score == seeded["question_count"]
    assert " ".join(score.text_content().split()).startswith(
        f"Ton score : {score_text(attempt.score)} sur "
    )
    assert len(attempt.answers) == seeded["question_count"]

    page.reload()
    expect(quiz.locator("[data-quiz-summary]")).to_contain_text("Tu as fait ce quiz 1 fois")
    assert page.js_errors == []


def test_quiz_without_javascript_renders_the_feedback_page(new_page, seeded, pupil):
    page = new_page(java_script_enabled=False)
    login(page)
    page.goto(seeded["lesson_url"])

    count = answer_first_choices(page, seeded["quiz_id"])
    page.get_by_role("button", name=SUBMIT).click()

    expect(page).to_have_url(re.compile(r"/quiz/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Résultats du quiz : {seeded['lesson_title']}"
    )
    expect(page.locator("[data-quiz-score]")).to_have_text(
        re.compile(rf"^Ton score\s: [\d,]+ sur {count}$")
    )
    expect(page.locator("main")).to_contain_text("Ta réponse est enregistrée. Tentatives : 1")
    expect(page.locator(".hc-feedback-list > li")).to_have_count(count)
    expect(page.locator(".hc-feedback-list .fr-alert")).to_have_text([VERDICTS] * count)

    attempt = attempt_of(pupil, seeded)
    assert attempt.max_score == count == seeded["question_count"]
    assert page.locator("[data-quiz-score]").text_content() == french_text(
        f"Ton score : {score_text(attempt.score)} sur {score_text(attempt.max_score)}"
    )


ACTIVE_ELEMENT = """() => {
  const el = document.activeElement;
  return {
    tag: el.tagName,
    name: el.getAttribute("name") || "",
    text: (el.textContent || "").trim(),
    inQuiz: !!el.closest("[data-quiz] form"),
  };
}"""


def test_quiz_answered_and_submitted_with_the_keyboard_only(page, seeded, pupil):
    login(page)
    page.goto(seeded["lesson_url"])

    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE_ELEMENT)
    assert (first["tag"], first["text"]) == ("A", "Contenu"), first
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))

    # From the main content, Tab through the lesson to the quiz; Space answers each question
    # (the first choice of a radio group or the first checkbox) until the submit button.
    answered = []
    for _press in range(500):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_ELEMENT)
        if active["tag"] == "BUTTON" and active["text"] == SUBMIT:
            break
        if active["inQuiz"] and active["name"].startswith("q-") and active["name"] not in answered:
            page.keyboard.press("Space")
            answered.append(active["name"])
    else:
        pytest.fail("Tab never reached the « Valider mes réponses » button")
    assert len(answered) == seeded["question_count"]

    quiz = page.locator(f"#quiz-{seeded['quiz_id']}")
    for question in quiz.locator("[data-question]").all():
        expect(question.locator("input:checked")).to_have_count(1)
    expect(quiz.get_by_role("button", name=SUBMIT)).to_be_focused()
    page.keyboard.press("Enter")

    score = quiz.locator("[data-quiz-score]")
    expect(score).to_have_text(re.compile(rf"^Ton score\s: [\d,]+ sur {len(answered)} "))
    expect(score).to_be_focused()
    assert attempt_of(pupil, seeded).max_score == len(answered)


def test_no_serious_accessibility_violation_along_the_journey(page, seeded, pupil):
    found = {}

    def check(label):
        """Run axe on a phone-sized viewport, then on a desktop one, on the page as it is."""
        for name, viewport in (("mobile", MOBILE), ("bureau", DESKTOP)):
            page.set_viewport_size(viewport)
            violations = axe_blocking_violations(page)
            if violations:
                found[f"{label} ({name}, {viewport['width']}×{viewport['height']})"] = violations

    login(page)
    check("accueil")
    page.goto(seeded["course_url"])
    check("cours")
    page.goto(seeded["lesson_url"])
    check("leçon")

    quiz = page.locator(f"#quiz-{seeded['quiz_id']}")
    answer_first_choices(page, seeded["quiz_id"])
    quiz.get_by_role("button", name=SUBMIT).click()
    expect(quiz.locator("[data-quiz-score]")).to_contain_text("Ton score")
    check("leçon après validation du quiz")

    # The feedback page a browser without JavaScript gets: quiz.js is not served, so the form
    # posts; axe still runs since the page itself keeps JavaScript.
    page.route("**/js/quiz.js", lambda route: route.abort())
    page.goto(seeded["lesson_url"])
    answer_first_choices(page, seeded["quiz_id"])
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Résultats du quiz")
    check("page de résultats sans JavaScript")

    assert not found, "axe-core, violations serious/critical:\n" + "\n".join(
        f"{label}:\n{describe(violations)}" for label, violations in found.items()
    )
