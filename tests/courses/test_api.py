import pytest

from .factories import course_create, lesson_create


@pytest.fixture
def course(site_tree):
    course = course_create(parent=site_tree, title="La Ve République")
    lesson_create(course=course, title="Le Président")
    lesson_create(course=course, title="Brouillon", live=False)
    return course


def test_api_lists_published_courses(client, course):
    response = client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": "*"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["title"] for item in items] == ["La Ve République"]
    assert items[0]["level_min"] == "3e" and items[0]["estimated_minutes"] == 60


def test_api_lists_only_live_lessons_of_a_course(client, course):
    response = client.get(
        "/api/v2/pages/", {"type": "courses.LessonPage", "child_of": course.pk, "fields": "*"}
    )
    assert [item["title"] for item in response.json()["items"]] == ["Le Président"]


def test_api_lesson_detail_never_reveals_quiz_answers(client, course):
    lesson = course.get_children().live().first()
    data = client.get(f"/api/v2/pages/{lesson.pk}/").json()
    quiz = next(block for block in data["body"] if block["type"] == "quiz")
    question = quiz["value"]["questions"][0]
    assert set(question) == {"id", "kind", "case", "prompt", "choices"}
    assert all(set(choice) == {"id", "text"} for choice in question["choices"])
    assert "correct" not in str(data["body"]) and "explanation" not in str(data["body"])
    assert "feedback" not in str(data["body"])


def test_api_is_read_only(client, course, admin_user):
    assert client.post("/api/v2/pages/", {}).status_code == 403
    client.force_login(admin_user)
    assert client.post("/api/v2/pages/", {}).status_code == 405
    assert client.delete(f"/api/v2/pages/{course.pk}/").status_code == 405


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
