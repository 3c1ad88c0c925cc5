"""Pages of the school app: teacher sign-up, classes and pupils, joining, pupil login, privacy."""

from .classrooms import (
    classroom_archive,
    classroom_code_regenerate,
    classroom_create,
    classroom_detail,
    classroom_join_set,
    classroom_join_settings,
    classroom_list,
)
from .privacy import privacy, privacy_export
from .pupils import (
    pupil_approve,
    pupil_delete,
    pupil_join,
    pupil_login,
    pupil_move,
    pupil_refuse,
    pupil_rename,
    pupil_secret_reset,
    pupil_waiting,
    pupils_approve_all,
    pupils_bulk_create,
)
from .teachers import account_home, teacher_signup

__all__ = [
    "account_home",
    "classroom_archive",
    "classroom_code_regenerate",
    "classroom_create",
    "classroom_detail",
    "classroom_join_set",
    "classroom_join_settings",
    "classroom_list",
    "privacy",
    "privacy_export",
    "pupil_approve",
    "pupil_delete",
    "pupil_join",
    "pupil_login",
    "pupil_move",
    "pupil_refuse",
    "pupil_rename",
    "pupil_secret_reset",
    "pupil_waiting",
    "pupils_approve_all",
    "pupils_bulk_create",
    "teacher_signup",
]
