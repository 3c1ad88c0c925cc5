"""One predicate per action on what courses hold for teachers only."""

from school.models import User
from school.permissions import can_manage_classrooms, is_administrator


def can_read_teacher_guide(user) -> bool:
    """A lesson's teacher's guide (corrected exercises included): teachers, editors (who write
    it) and administrators; never a pupil nor a visitor."""
    if not user.is_authenticated:
        return False
    return can_manage_classrooms(user) or user.role == User.Role.EDITOR or is_administrator(user)


def can_launch_ready_made(user) -> bool:
    """Launch a lesson's ready-made consultation or debate: whoever manages classes (a teacher
    only into the classes they teach, checked against the class chosen)."""
    return can_manage_classrooms(user)
