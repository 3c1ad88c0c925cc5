"""The sub-URLs of a lesson page (see LessonPage.get_subpage_urls). A lesson page routes them as
its own methods: each view receives the lesson first, then the request."""

from django.urls import path

from .views import lesson

urlpatterns = [
    path("quiz/<str:quiz_id>/", lesson.quiz_submit, name="quiz"),
    path("", lesson.lesson_read, name="lesson"),
]
