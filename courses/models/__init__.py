from .attempts import ExerciseKind, QuizAttempt
from .completion import CourseCompletion
from .h5p import H5PPackage, H5PUserState, XAPIStatement
from .pages import CourseIndexPage, CoursePage, FinalTestPage, HomePage, LessonPage
from .progress import Assignment, LessonProgress
from .teacher import LessonTeacherGuide

__all__ = [
    "Assignment",
    "CourseCompletion",
    "ExerciseKind",
    "FinalTestPage",
    "H5PPackage",
    "H5PUserState",
    "CourseIndexPage",
    "CoursePage",
    "HomePage",
    "LessonPage",
    "LessonProgress",
    "LessonTeacherGuide",
    "QuizAttempt",
    "XAPIStatement",
]
