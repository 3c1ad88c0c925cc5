from .attempts import ExerciseKind, QuizAttempt
from .h5p import H5PPackage, H5PUserState, XAPIStatement
from .pages import CourseIndexPage, CoursePage, HomePage, LessonPage
from .progress import Assignment, LessonProgress

__all__ = [
    "Assignment",
    "ExerciseKind",
    "H5PPackage",
    "H5PUserState",
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "LessonPage",
    "LessonProgress",
    "QuizAttempt",
    "XAPIStatement",
]
