"""Reads for courses, by area. Each selector decides its own joins so that templates never query
in a loop. The page tree's own reads (a course's lessons, a lesson's neighbours) are methods of
the pages, in courses.models.pages."""

from .assignments import (
    AssignedLessons,
    assignable_pages,
    assigned_lessons,
    assignment_list_for_classroom,
    assignment_list_visible,
    classroom_list_managed,
)
from .catalogue import course_index_url
from .completion import class_course_completions, course_completion_get
from .dashboards import AssignmentProgress, PupilDashboard, pupil_dashboard
from .h5p import h5p_packages_pending_ids, h5p_state_get, h5p_states_for_lesson
from .progress import (
    ClassProgressSummary,
    LessonCell,
    LessonColumn,
    LessonStatus,
    PupilProgressDetail,
    PupilRow,
    QuizProgress,
    class_progress_summary,
    class_progress_table,
    pupil_progress_detail,
)
from .quiz import (
    ExerciseResult,
    LessonQuestionStats,
    QuestionSuccess,
    QuizAttemptSummary,
    lesson_question_stats,
    quiz_attempt_summaries,
)

__all__ = [
    "AssignedLessons",
    "AssignmentProgress",
    "ClassProgressSummary",
    "ExerciseResult",
    "LessonCell",
    "LessonColumn",
    "LessonQuestionStats",
    "LessonStatus",
    "PupilDashboard",
    "PupilProgressDetail",
    "PupilRow",
    "QuestionSuccess",
    "QuizAttemptSummary",
    "QuizProgress",
    "assignable_pages",
    "assigned_lessons",
    "assignment_list_for_classroom",
    "assignment_list_visible",
    "class_course_completions",
    "class_progress_summary",
    "class_progress_table",
    "classroom_list_managed",
    "course_completion_get",
    "course_index_url",
    "h5p_packages_pending_ids",
    "h5p_state_get",
    "h5p_states_for_lesson",
    "lesson_question_stats",
    "pupil_dashboard",
    "pupil_progress_detail",
    "quiz_attempt_summaries",
]
