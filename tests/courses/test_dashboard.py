"""The teacher's class table, the per-pupil and per-question pages, the CSV export and the
pupil's « Mes devoirs », on a known data set."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Assignment, QuizAttempt
from courses.selectors import (
    ExerciseResult,
    LessonStatus,
    class_progress_summary,
    class_progress_table,
    lesson_question_stats,
    pupil_dashboard,
)
from courses.selectors.quiz import exercise_results
from courses.services import assignment_create, lesson_progress_touch
from school.models import User

from .factories import course_create, lesson_create, quiz_block
from .progress_factories import (
    attempt_record,
    classroom_with_pupils,
    school_create,
    teacher_create,
)


@pytest.fixture
def known(site_tree):
    """Three pupils (p0 < p1 < p2 by pseudonym); columns L1, L2 (course, tree order), then L3
    (assigned alone, before the course). Unpublished L4 in the course is not a column.

    p0: L1 attempts 1, 3, 2 (best 3, last 2); L2 opened only; L3 (no quiz) opened.
    p1: L1 one attempt scoring 1.  p2: nothing."""
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, pupils = classroom_with_pupils(teacher=teacher, school=school, pupils=3)
    course = course_create(parent=site_tree, title="Les institutions")
    l1 = lesson_create(course=course, title="Le Président", body=[quiz_block(questions=3)])
    l2 = lesson_create(course=course, title="Le Parlement", body=[quiz_block(questions=2)])
    lesson_create(course=course, title="Brouillon", live=False, body=[quiz_block(questions=2)])
    other = course_create(parent=site_tree, title="Voter")
    l3 = lesson_create(course=other, title="Le vote", body=[])
    assignment_create(classroom=classroom, teacher=teacher, lesson=l3)
    assignment_create(
        classroom=classroom,
        teacher=teacher,
        course=course,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    p0, p1, _p2 = pupils
    for score in (1, 3, 2):
        attempt_record(user=p0.user, lesson=l1, score=score)
    lesson_progress_touch(user=p0.user, lesson=l2)
    lesson_progress_touch(user=p0.user, lesson=l3)
    attempt_record(user=p1.user, lesson=l1, score=1)
    return {
        "classroom": classroom,
        "teacher": teacher,
        "pupils": pupils,
        "lessons": (l1, l2, l3),
        "course": course,
    }


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _row_texts(html: str) -> list[str]:
    return [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)]


def test_class_summary_gives_exact_cells_and_rates(known):
    summary = class_progress_summary(classroom=known["classroom"])
    assert [column.lesson.title for column in summary.lessons] == [
        "Le Président",
        "Le Parlement",
        "Le vote",
    ]
    labels = [[cell.label for cell in row.cells] for row in summary.rows]
    assert labels == [
        ["Terminée · 100 %", "Commencée", "Terminée"],
        ["Terminée · 33 %", "À faire", "À faire"],
        ["À faire", "À faire", "À faire"],
    ]
    p0_l1 = summary.rows[0].cells[0]
    (quiz,) = p0_l1.quizzes
    assert (p0_l1.attempts, quiz.best_label, quiz.last_label, quiz.max_score) == (
        3,
        "3/3",
        "2/3",
        3,
    )
    assert summary.rows[0].cells[1].quizzes[0].max_score == 2
    assert summary.rows[0].cells[1].score_percent is None
    assert [(c.completed, c.started, c.completion_rate) for c in summary.lessons] == [
        (2, 2, 67),
        (0, 1, 0),
        (1, 1, 33),
    ]
    assert [row.completed for row in summary.rows] == [2, 1, 0]


def test_class_dashboard_page_shows_cells_rates_rules_and_pseudonyms_only(client, known):
    client.force_login(known["teacher"])
    response = client.get(f"/suivi/classes/{known['classroom'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    p0, p1, p2 = known["pupils"]
    rows = _row_texts(html)
    assert rows[1] == f"{p0.pseudonym} — détail Terminée · 100 % Commencée Terminée 2/3"
    assert rows[2] == f"{p1.pseudonym} — détail Terminée · 33 % À faire À faire 1/3"
    assert rows[-1] == "Élèves ayant terminé 67 % (2/3) 0 % (0/3) 33 % (1/3)"
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert "Une leçon est terminée quand l&#x27;élève l&#x27;a ouverte" in html
    assert "Le temps passé est approximatif" in html
    assert f"/suivi/classes/{known['classroom'].pk}/eleves/{p0.user_id}/" in html
    l1 = known["lessons"][0]
    assert f"/suivi/classes/{known['classroom'].pk}/lecons/{l1.pk}/" in html
    for pupil in known["pupils"]:
        assert pupil.user.username not in html


def test_lesson_question_stats_use_latest_attempts_most_missed_first(known):
    l1 = known["lessons"][0]
    stats = lesson_question_stats(classroom=known["classroom"], lesson=l1)
    # Latest attempts: p0 scored 2 (questions 1-2 right), p1 scored 1 (question 1 right).
    assert [(q.prompt, q.right, q.answered, q.rate) for q in stats.questions] == [
        ("Affirmation 2", 0, 2, 0),
        ("Question 1", 1, 2, 50),
        ("Question 0", 2, 2, 100),
    ]
    assert stats.pupils == 3


def test_lesson_question_stats_ignore_pupils_of_other_classes(known, site_tree):
    l1 = known["lessons"][0]
    school = known["classroom"].school
    _other, (stranger,) = classroom_with_pupils(
        teacher=teacher_create(school=school), school=school, pupils=1
    )
    attempt_record(user=stranger.user, lesson=l1, score=3)
    stats = lesson_question_stats(classroom=known["classroom"], lesson=l1)
    assert [q.answered for q in stats.questions] == [2, 2, 2]


def test_lesson_questions_page_lists_questions_most_missed_first(client, known):
    client.force_login(known["teacher"])
    l1 = known["lessons"][0]
    response = client.get(f"/suivi/classes/{known['classroom'].pk}/lecons/{l1.pk}/")
    assert response.status_code == 200
    rows = _row_texts(response.content.decode())[1:]
    assert rows == [
        "Affirmation 2 Quiz, question 3 0 % à retravailler 0 2",
        "Question 1 Quiz, question 2 50 % 1 2",
        "Question 0 Quiz, question 1 100 % 2 2",
    ]


def test_pupil_detail_page_shows_each_lesson_and_quiz_scores(client, known):
    client.force_login(known["teacher"])
    p0 = known["pupils"][0]
    response = client.get(f"/suivi/classes/{known['classroom'].pk}/eleves/{p0.user_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = _row_texts(html)[1:]
    assert rows[0].startswith("Le Président Terminée")
    assert rows[0].endswith("0 min 3 100 % Quiz : 3 tentatives, meilleur résultat 3/3, dernier 2/3")
    assert rows[1].startswith("Le Parlement Commencée") and rows[1].endswith(
        "— 0 min 0 — Quiz : pas encore fait"
    )
    assert rows[2].endswith("0 min 0 — Pas d'exercice")
    assert p0.pseudonym in html and p0.user.username not in html


def test_pupil_detail_of_another_class_pupil_is_not_found(client, known):
    school = known["classroom"].school
    _other, (stranger,) = classroom_with_pupils(
        teacher=teacher_create(school=school), school=school, pupils=1
    )
    client.force_login(known["teacher"])
    response = client.get(f"/suivi/classes/{known['classroom'].pk}/eleves/{stranger.user_id}/")
    assert response.status_code == 404


def _csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_csv_export_has_header_and_one_row_per_pupil_and_lesson(client, known):
    client.force_login(known["teacher"])
    response = client.get(f"/suivi/classes/{known['classroom'].pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('.csv"')
    assert "suivi-2nde-" in disposition and "2026-2027" in disposition
    rows = _csv(response)
    assert rows[0] == [
        "Pseudonyme",
        "Leçon",
        "Statut",
        "Terminée le",
        "Score moyen (%)",
        "Exercices faits",
        "Exercices",
        "Meilleur résultat par exercice",
        "Tentatives",
        "Temps passé (minutes)",
    ]
    assert len(rows) == 1 + 3 * 3
    p0, p1, p2 = known["pupils"]
    assert [row[0] for row in rows[1:]] == [p0.pseudonym] * 3 + [p1.pseudonym] * 3 + [
        p2.pseudonym
    ] * 3
    first = rows[1]
    assert first[1:3] == ["Le Président", "Terminée"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", first[3])
    assert first[4:] == ["100", "1", "1", "Quiz : 3/3", "3", "0"]
    assert rows[2][1:] == ["Le Parlement", "Commencée", "", "", "0", "1", "", "0", "0"]
    assert rows[5][1:] == ["Le Parlement", "À faire", "", "", "0", "1", "", "0", "0"]
    content = response.content.decode()
    for pupil in known["pupils"]:
        assert pupil.user.username not in content


def test_csv_export_neutralises_spreadsheet_formulas(client, known):
    l1 = known["lessons"][0]
    l1.title = "=HYPERLINK(1)"
    l1.save_revision().publish()
    client.force_login(known["teacher"])
    rows = _csv(client.get(f"/suivi/classes/{known['classroom'].pk}/export.csv"))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_pupil_dashboard_lists_assignments_with_statuses_and_next_lesson(client, known):
    p0 = known["pupils"][0]
    dashboard = pupil_dashboard(user=p0.user)
    # Dated assignments first: the course (in a week), then the lesson without a date.
    assert [item.title for item in dashboard.assignments] == ["Les institutions", "Le vote"]
    course_item, lesson_item = dashboard.assignments
    assert [cell.status for cell in course_item.cells] == [
        LessonStatus.COMPLETED,
        LessonStatus.STARTED,
    ]
    assert (course_item.completed, course_item.is_done, course_item.is_late) == (1, False, False)
    assert lesson_item.is_done
    assert dashboard.next_cell.lesson == known["lessons"][1]

    client.force_login(p0.user)
    response = client.get("/suivi/")
    assert response.status_code == 200
    html = _text(response.content.decode())
    assert "À faire ensuite : Le Parlement" in html
    assert (
        "Le Président Terminée score moyen : 100 % (meilleur résultat de l'exercice fait)" in html
    )
    assert "Le Parlement Commencée ← à faire ensuite" in html
    assert "1 leçon terminée sur 2" in html and "En retard" not in html
    assert f'href="{known["lessons"][1].url}"' in response.content.decode()


def test_pupil_dashboard_flags_late_assignments_in_text(client, known):
    Assignment.objects.filter(course=known["course"]).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    p1 = known["pupils"][1]
    client.force_login(p1.user)
    html = _text(client.get("/suivi/").content.decode())
    assert "En retard" in html
    # p1 has not opened the lesson assigned alone either: it is not late (no date).
    assert html.count("En retard") == 1


def test_pupil_dashboard_says_all_done_when_everything_is_completed(client, site_tree):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    lesson = lesson_create(course=course_create(parent=site_tree), body=[])
    assignment_create(classroom=classroom, teacher=teacher, lesson=lesson)
    client.force_login(pupil.user)
    client.get(lesson.url)
    html = _text(client.get("/suivi/").content.decode())
    assert "Tout est terminé" in html and "À faire ensuite :" not in html


def test_pupil_dashboard_without_a_class_says_how_to_join(client, db):
    pupil = User.objects.create_user(username="sans-classe", password="x-secret-1")
    client.force_login(pupil)
    response = client.get("/suivi/")
    assert response.status_code == 200
    assert "Tu n'es inscrit dans aucune classe" in response.content.decode()


def test_lesson_assigned_alone_and_within_an_assigned_course_is_one_column(known):
    l2 = known["lessons"][1]
    assignment_create(classroom=known["classroom"], teacher=known["teacher"], lesson=l2)
    summary = class_progress_summary(classroom=known["classroom"])
    assert [column.lesson.title for column in summary.lessons] == [
        "Le Président",
        "Le Parlement",
        "Le vote",
    ]
    dashboard = pupil_dashboard(user=known["pupils"][0].user)
    assert [len(item.cells) for item in dashboard.assignments] == [2, 1, 1]


def test_class_table_gives_the_summarys_cells_and_rates(known):
    classroom = known["classroom"]
    summary = class_progress_summary(classroom=classroom)
    table = class_progress_table(classroom=classroom)
    assert [row.pupil for row in table.rows] == [row.pupil for row in summary.rows]
    assert [row.cells for row in table.rows] == [
        tuple((cell.status, cell.score_label) for cell in row.cells) for row in summary.rows
    ]
    assert [row.completed for row in table.rows] == [row.completed for row in summary.rows]
    assert table.lessons == summary.lessons


def test_exercise_results_keep_the_best_ratio_the_latest_of_equals(known):
    # 2/4 then 3/6 (the same share, later: the best), then 1/4 (the last); 4/4 on another
    # exercise id of another pupil stays apart.
    p0, p1, _p2 = known["pupils"]
    lesson = known["lessons"][0]
    start = timezone.now()
    for minutes, (user, quiz_id, score, maximum) in enumerate(
        [(p0, "q", 2, 4), (p0, "q", 3, 6), (p0, "q", 1, 4), (p1, "q", 4, 4), (p0, "r", 1, 3)]
    ):
        attempt = QuizAttempt.objects.create(
            user=user.user, lesson=lesson, quiz_id=quiz_id, score=score, max_score=maximum
        )
        QuizAttempt.objects.filter(pk=attempt.pk).update(
            created_at=start + timedelta(minutes=minutes)
        )
    results = exercise_results(QuizAttempt.objects.filter(lesson=lesson, quiz_id__in=["q", "r"]))
    assert results == {
        (p0.user_id, lesson.pk, "q"): ExerciseResult(
            3, Decimal(3), Decimal(6), Decimal(1), Decimal(4)
        ),
        (p1.user_id, lesson.pk, "q"): ExerciseResult(
            1, Decimal(4), Decimal(4), Decimal(4), Decimal(4)
        ),
        (p0.user_id, lesson.pk, "r"): ExerciseResult(
            1, Decimal(1), Decimal(3), Decimal(1), Decimal(3)
        ),
    }
