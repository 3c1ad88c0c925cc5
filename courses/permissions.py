"""One predicate per action on what courses hold for teachers only."""

from school.models import User
from school.permissions import can_manage_classrooms, is_administrator, is_teacher


def can_read_teacher_guide(user) -> bool:
    """A lesson's teacher's guide (corrected exercises included): editors (who write it),
    administrators, and teachers who belong to a school. Never a pupil nor a visitor; nor an
    account that signed up as a teacher and is not yet accepted by a school, since anyone, a
    pupil after the corrections included, can sign up."""
    if not user.is_authenticated:
        return False
    if user.role == User.Role.EDITOR or is_administrator(user):
        return True
    return is_teacher(user) and user.schools.exists()


def can_launch_ready_made(user) -> bool:
    """Launch a lesson's ready-made consultation or debate: whoever manages classes (a teacher
    only into the classes they teach, checked against the class chosen)."""
    return can_manage_classrooms(user)
