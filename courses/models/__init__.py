from .attempts import QuizAttempt
from .pages import CourseIndexPage, CoursePage, HomePage, LessonPage
from .progress import Assignment, LessonProgress

__all__ = [
    "Assignment",
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "LessonPage",
    "LessonProgress",
    "QuizAttempt",
]
