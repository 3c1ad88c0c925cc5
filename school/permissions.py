"""One predicate per action, reused by views, the API and the Wagtail admin.

Administrators see everything; a teacher sees only the classes they teach and those classes'
pupils; a pupil sees only their own data and their own class; content editors see no class."""

from .models import Classroom, PupilProfile, School, User


def is_administrator(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or getattr(user, "role", "") == "admin")
    )


def is_teacher(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", "") == User.Role.TEACHER)


def can_manage_classrooms(user) -> bool:
    """Teachers and administrators manage classes (a teacher only the classes they teach)."""
    return is_teacher(user) or is_administrator(user)


def can_follow_classwork(user) -> bool:
    """Assignments and progress: those who manage classes, and pupils for their own class."""
    return can_manage_classrooms(user) or bool(
        user.is_authenticated and getattr(user, "role", "") == User.Role.PUPIL
    )


def can_obtain_api_token(user) -> bool:
    """Minors never get an API token; editors have no class data to reach."""
    return is_teacher(user)


def is_pupil_account(user) -> bool:
    return bool(user.is_authenticated and user.is_pupil and not is_administrator(user))


def can_use_admin(user) -> bool:
    """The Wagtail admin is for content editors and administrators (it checks its own
    permissions on every screen)."""
    return bool(
        user.is_authenticated
        and (user.is_staff or user.role == User.Role.EDITOR or is_administrator(user))
    )


def can_create_classroom(user, school: School) -> bool:
    if is_administrator(user):
        return True
    return is_teacher(user) and school.teachers.filter(pk=user.pk).exists()


def can_manage_classroom(user, classroom: Classroom) -> bool:
    """Edit the class, its code, its pupils and assignments; see its progress."""
    if is_administrator(user):
        return True
    return is_teacher(user) and classroom.teachers.filter(pk=user.pk).exists()


def can_view_classroom(user, classroom: Classroom) -> bool:
    if can_manage_classroom(user, classroom):
        return True
    profile = user.pupil_profile if user.is_authenticated else None
    # A pupil waiting for the teacher's approval has no class yet (school.middleware).
    return profile is not None and not profile.is_waiting and profile.classroom_id == classroom.pk


def can_manage_pupil(user, pupil: PupilProfile) -> bool:
    """Reset the secret, move, delete, see the progress of a pupil."""
    return can_manage_classroom(user, pupil.classroom)


def can_view_pupil_data(user, pupil: PupilProfile) -> bool:
    return bool(user.is_authenticated and user.pk == pupil.user_id) or can_manage_pupil(user, pupil)


def classrooms_managed_by(user):
    """The classes a user may manage, as a queryset (for lists and API querysets)."""
    if is_administrator(user):
        return Classroom.objects.all()
    if is_teacher(user):
        return Classroom.objects.filter(teachers=user)
    return Classroom.objects.none()


def can_decide_membership_request(user, membership_request) -> bool:
    """Approve or refuse a teacher's request to join a school: an administrator, or an approved
    teacher of that school, unless the request created the school (administrators vet those)."""
    if is_administrator(user):
        return True
    return (
        is_teacher(user)
        and not membership_request.school_created
        and membership_request.teacher_id != user.pk
        and membership_request.school.teachers.filter(pk=user.pk).exists()
    )


def can_manage_own_account(user) -> bool:
    """« Mon compte »: password, export, erasure, for accounts with an e-mail (not pupils)."""
    return bool(user.is_authenticated and not is_pupil_account(user))
