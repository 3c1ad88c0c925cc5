"""Honest scores (issue 20): one result per exercise (the best attempt) on its own scale, and a
lesson's score as the mean of its exercises' percentages, the same on the pupil's pages, the
teacher's tables, the API and the CSV. Never a sum of points of different scales."""

import csv
import io
import re
from decimal import Decimal

import pytest

from config.typography import french_text
from courses.models import H5PPackage
from courses.services import assignment_create
from school.services import api_token_create
from tests.api_pages import api_results

from .factories import (
    course_create,
    h5p_block,
    h5p_package_ready,
    lesson_create,
    quiz_block,
    quiz_form_data,
)
from .progress_factories import (
    answers_with_score,
    classroom_with_pupils,
    school_create,
    teacher_create,
)
from .test_xapi import post, statement

# Quiz 1/2 (50 %), activity A 2.6/3 (86.67 %), activity B best 7/10 (70 %): the mean of the
# percentages is 68.9 → 69 %; a raw sum would be 10.6/15 → 71 %.
MEAN = "69 %"


@pytest.fixture
def scored(site_tree, client):
    school = school_create()
    teacher = teacher_create(school=school)
    classroom, (pupil,) = classroom_with_pupils(teacher=teacher, school=school, pupils=1)
    three, ten = h5p_package_ready(title="Trois"), h5p_package_ready(title="Dix")
    H5PPackage.objects.filter(pk=three.pk).update(max_score=3)
    H5PPackage.objects.filter(pk=ten.pk).update(max_score=10)
    course = course_create(parent=site_tree)
    lesson = lesson_create(
        course=course,
        body=[
            quiz_block(questions=2, title="Quiz"),
            h5p_block(package=three, title="Sur trois"),
            h5p_block(package=ten, title="Sur dix"),
        ],
    )
    assignment_create(classroom=classroom, teacher=teacher, course=course)
    on_three, on_ten = lesson.h5p_activity_ids()
    client.force_login(pupil.user)
    client.get(lesson.url)
    quiz_id, quiz = next(iter(lesson.quiz_blocks().items()))
    data = quiz_form_data(
        page=lesson, quiz_id=quiz_id, quiz=quiz, answers=answers_with_score(quiz, 1)
    )
    assert client.post(lesson.url + f"quiz/{quiz_id}/", data).status_code == 200

    def send(activity, raw, maximum):
        world = {"lesson": lesson, "activity": activity}
        assert post(client, statement(world, raw=raw, maximum=maximum)).status_code == 200

    send(on_three, 1, 3)
    send(on_three, 2.6, 3)
    send(on_ten, 7, 10)
    send(on_ten, 4, 10)
    return {"teacher": teacher, "classroom": classroom, "pupil": pupil, "lesson": lesson}


# A raw sum as a figure: "10,6", or a score over 15 or 13 ("…/15", "…/13": a digit before the
# slash, none after the number, so that a link to /quiz/13ab…/ or /h5p/1530/ is not taken for
# one), "83/85", "71 %".
RAW_SUMS = re.compile(r"10[,.]6|\d/1[35](?!\w)|83/85|71 %")


def _no_raw_sums(text: str) -> None:
    found = RAW_SUMS.search(text)
    assert found is None, text[max(found.start() - 80, 0) : found.end() + 80]


def test_the_pupils_pages_show_each_exercise_on_its_scale_and_the_mean(client, scored):
    lesson_page = client.get(scored["lesson"].url).content.decode()
    assert french_text("ton meilleur résultat : 2,6/3 (dernier : 2,6/3)") in lesson_page
    assert french_text("ton meilleur résultat : 7/10 (dernier : 4/10)") in lesson_page
    assert french_text("ton meilleur résultat : 1/2") in lesson_page
    dashboard = client.get("/suivi/").content.decode()
    assert (
        french_text(f"score moyen : {MEAN} (meilleurs résultats des 3 exercices faits)")
        in dashboard
    )
    _no_raw_sums(lesson_page + dashboard)


def test_the_teachers_tables_show_the_same_figures(client, scored):
    client.force_login(scored["teacher"])
    classroom = scored["classroom"]
    table = client.get(f"/suivi/classes/{classroom.pk}/").content.decode()
    assert f"<span data-lesson-score>{MEAN}</span>" in table
    detail = client.get(
        f"/suivi/classes/{classroom.pk}/eleves/{scored['pupil'].user_id}/"
    ).content.decode()
    assert f"<td data-lesson-score>{MEAN}</td>" in detail
    assert "meilleur résultat 2,6/3, dernier 2,6/3" in detail
    assert "meilleur résultat 7/10, dernier 4/10" in detail
    assert "meilleur résultat 1/2, dernier 1/2" in detail
    _no_raw_sums(table + detail)


def test_the_api_and_the_csv_give_the_same_figures(client, scored):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=scored['teacher'])[1]}")
    rows = api_results(api.get(f"/api/progress/?classroom={scored['classroom'].pk}"))
    (row,) = rows
    assert row["score_percent"] == 69
    assert (row["exercises_done"], row["exercise_count"]) == (3, 3)
    results = {e["title"]: e for e in row["exercises"]}
    assert results["Sur trois"]["best_score"] == 2.6
    assert (results["Sur trois"]["best_max_score"], results["Sur trois"]["best_label"]) == (
        3,
        "2,6/3",
    )
    assert (results["Sur dix"]["best_score"], results["Sur dix"]["last_score"]) == (7, 4)
    assert results["Quiz"]["best_percent"] == 50
    assert Decimal(str(results["Sur trois"]["best_score"])) == Decimal("2.6")
    _no_raw_sums(str(rows).replace("'", ""))

    client.force_login(scored["teacher"])
    content = client.get(f"/suivi/classes/{scored['classroom'].pk}/export.csv").content
    header, line = list(csv.reader(io.StringIO(content.decode("utf-8")[1:]), delimiter=";"))
    record = dict(zip(header, line, strict=True))
    assert record["Score moyen (%)"] == "69"
    assert (record["Exercices faits"], record["Exercices"]) == ("3", "3")
    assert (
        record["Meilleur résultat par exercice"]
        == "Quiz : 1/2 ; Sur trois : 2,6/3 ; Sur dix : 7/10"
    )
    _no_raw_sums(content.decode())
