from .attempts import QuizAttempt
from .pages import CourseIndexPage, CoursePage, HomePage, LessonPage

__all__ = ["CourseIndexPage", "CoursePage", "HomePage", "LessonPage", "QuizAttempt"]
