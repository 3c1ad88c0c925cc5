"""Pages of the school app: teacher sign-up and account, classes and pupils, joining, pupil
login, privacy."""

from .account import (
    account,
    account_erase,
    account_export,
    password_change,
    password_change_done,
    password_reset,
    password_reset_complete,
    password_reset_confirm,
    password_reset_done,
)
from .classrooms import (
    classroom_archive,
    classroom_code_regenerate,
    classroom_create,
    classroom_detail,
    classroom_join_set,
    classroom_join_settings,
    classroom_list,
)
from .lockouts import pupil_unlock, pupils_unlock
from .privacy import legal, privacy, privacy_export
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
from .teachers import (
    account_home,
    membership_request_decide,
    membership_requests,
    teacher_confirm,
    teacher_signup,
    teacher_signup_done,
)
from .tokens import api_tokens

__all__ = [
    "account",
    "account_erase",
    "account_export",
    "account_home",
    "api_tokens",
    "classroom_archive",
    "classroom_code_regenerate",
    "classroom_create",
    "classroom_detail",
    "classroom_join_set",
    "classroom_join_settings",
    "classroom_list",
    "membership_request_decide",
    "membership_requests",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_complete",
    "password_reset_confirm",
    "password_reset_done",
    "legal",
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
    "pupil_unlock",
    "pupil_waiting",
    "pupils_approve_all",
    "pupils_bulk_create",
    "teacher_confirm",
    "pupils_unlock",
    "teacher_signup",
    "teacher_signup_done",
]
