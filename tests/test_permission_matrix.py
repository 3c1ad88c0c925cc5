"""The permission matrix over every page and endpoint of the project's own apps, generated.

Every URL pattern of the `school`, `courses`, `school_api` and `courses_api` namespaces is found by
walking the URL resolver, so a new view without a rule here fails the test. Its kwargs are filled
from one world (class A of teacher A with pupil A, class B of teacher B with pupil B), and each of
the seven roles is checked against the rule, which reuses the predicates of school.permissions:
allowed means neither 401/403/404 nor a redirect to the login page; denied means one of those, for
GET and for POST, and a denied POST changes nothing in the database."""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from classroom_votes.consultations.permissions import (
    can_manage_consultation,
    can_view_consultation,
    can_view_participation,
    can_view_results,
)
from classroom_votes.debates.permissions import (
    can_manage_debate,
    can_moderate_debate,
    can_post_in_debate,
    can_view_debate,
    can_view_debate_summary,
)
from courses.models import Assignment
from school.permissions import (
    can_manage_classroom,
    can_manage_classrooms,
    can_view_classroom,
    is_pupil_account,
)
from tests.classroom_votes.debate_factories import debate_create, published
from tests.classroom_votes.factories import consultation_create, national_question_create
from tests.courses.factories import (
    content_blocks,
    course_create,
    h5p_block,
    h5p_package_ready,
    lesson_create,
    quiz_block,
)
from tests.school.factories import (
    admin_create,
    classroom_create,
    editor_create,
    pupil_create,
    school_create,
    teacher_create,
)

NAMESPACES = (
    "school",
    "courses",
    "school_api",
    "courses_api",
    "classroom_votes",
    "classroom_votes_api",
)
ROLES = ["anonymous", "pupil", "other_pupil", "teacher", "other_teacher", "editor", "admin"]


def _everyone(user, world):
    return True


def _authenticated(user, world):
    return user.is_authenticated


def _manages_class_a(user, world):
    return can_manage_classroom(user, world.classroom)


def _views_class_a(user, world):
    return user.is_authenticated and can_view_classroom(user, world.classroom)


def _manages_classes(user, world):
    return can_manage_classrooms(user)


def _pupil(user, world):
    return is_pupil_account(user)


def _follows_classwork(user, world):
    return can_manage_classrooms(user) or is_pupil_account(user)


def _views_consultation(user, world):
    return can_view_consultation(user, world.consultation)


def _manages_consultation(user, world):
    return can_manage_consultation(user, world.consultation)


def _votes_in_consultation(user, world):
    return is_pupil_account(user) and can_view_consultation(user, world.consultation)


def _views_participation(user, world):
    return can_view_participation(user, world.consultation)


def _views_results(user, world):
    return can_view_results(user, world.consultation)


def _views_debate(user, world):
    return can_view_debate(user, world.debate)


def _manages_debate(user, world):
    return can_manage_debate(user, world.debate)


def _moderates_debate(user, world):
    return can_moderate_debate(user, world.debate)


def _posts_in_debate(user, world):
    return can_post_in_debate(user, world.debate)


def _views_debate_summary(user, world):
    return can_view_debate_summary(user, world.debate)


# URL name -> who may use it. Class-scoped names are checked on class A.
RULES = {
    "school:teacher_signup": _everyone,
    "school:pupil_join": _everyone,
    "school:pupil_login": _everyone,
    "school:account_home": _authenticated,
    "school:classroom_list": _manages_classes,
    "school:classroom_create": _manages_classes,
    "school:classroom_detail": _manages_class_a,
    "school:classroom_code": _manages_class_a,
    "school:classroom_join_set": _manages_class_a,
    "school:classroom_archive": _manages_class_a,
    "school:pupils_bulk_create": _manages_class_a,
    "school:pupil_secret_reset": _manages_class_a,
    "school:pupil_move": _manages_class_a,
    "school:pupil_delete": _manages_class_a,
    "school:privacy": _pupil,
    "school:privacy_export": _pupil,
    "courses:dashboard": _authenticated,
    "courses:classroom_list": _manages_classes,
    "courses:class_dashboard": _manages_class_a,
    "courses:class_export_csv": _manages_class_a,
    "courses:assignments": _manages_class_a,
    "courses:assignment_remove": _manages_class_a,
    "courses:pupil_detail": _manages_class_a,
    "courses:lesson_questions": _manages_class_a,
    # Lessons are public: so are their activities' files and IRIs; saved state needs a login.
    "courses:h5p_file": _everyone,
    "courses:h5p_activity": _everyone,
    "courses:h5p_state": _authenticated,
    "school_api:classroom-list": _manages_classes,
    "school_api:classroom-detail": _manages_class_a,
    "school_api:classroom-pupils": _manages_class_a,
    # Anyone may POST credentials; whose they are decides (tests/school/test_api.py).
    "school_api:token": _everyone,
    "courses_api:progress": _follows_classwork,
    "courses_api:assignment-list": _follows_classwork,
    "courses_api:assignment-detail": _views_class_a,
    "courses_api:xapi-statements": _authenticated,
    # Class A's open consultation. POST-only routes look the consultation up before answering
    # 405 to a GET, so GET shows who may reach it (tests/classroom_votes/test_api.py posts).
    # Class A's open consultation; a published national question.
    "classroom_votes:consultation_list": _follows_classwork,
    "classroom_votes:consultation_create": _manages_classes,
    "classroom_votes:national_question_launch": _manages_classes,
    "classroom_votes:consultation_detail": _views_consultation,
    # GET sends back to the consultation; POSTing a ballot is checked in test_pages.
    "classroom_votes:consultation_vote": _views_consultation,
    "classroom_votes:consultation_voted": _views_consultation,
    "classroom_votes:consultation_participation": _views_participation,
    "classroom_votes:consultation_open": _manages_consultation,
    "classroom_votes:consultation_close": _manages_consultation,
    "classroom_votes:consultation_results": _views_results,
    "classroom_votes:consultation_results_csv": _views_participation,
    "classroom_votes:consultation_pv": _views_participation,
    # Class A's open debate and pupil A's published argument in it. A GET on a POST-only action
    # shows its confirmation page, or goes back to the debate when there is nothing to confirm;
    # who may act on what is checked through the pages in test_debate_pages.
    "classroom_votes:debate_list": _follows_classwork,
    "classroom_votes:debate_create": _manages_classes,
    "classroom_votes:debate_detail": _views_debate,
    "classroom_votes:debate_columns": _views_debate,
    "classroom_votes:debate_summary": _views_debate_summary,
    "classroom_votes:debate_moderation": _moderates_debate,
    "classroom_votes:debate_settings_update": _manages_debate,
    "classroom_votes:debate_close": _manages_debate,
    "classroom_votes:debate_reopen": _manages_debate,
    "classroom_votes:debate_archive": _manages_debate,
    "classroom_votes:debate_argument_post": _views_debate,
    "classroom_votes:debate_argument_convincing": _views_debate,
    "classroom_votes:debate_argument_report": _views_debate,
    "classroom_votes:debate_argument_withdraw": _views_debate,
    "classroom_votes:debate_argument_approve": _moderates_debate,
    "classroom_votes:debate_argument_reject": _moderates_debate,
    "classroom_votes:debate_argument_hide": _moderates_debate,
    "classroom_votes:debate_argument_restore": _moderates_debate,
    "classroom_votes:debate_argument_reports_dismiss": _moderates_debate,
    "classroom_votes:debate_pupil_block": _moderates_debate,
    "classroom_votes:debate_pupil_unblock": _moderates_debate,
    "classroom_votes_api:consultation-list": _follows_classwork,
    "classroom_votes_api:consultation-detail": _views_consultation,
    "classroom_votes_api:consultation-open": _manages_consultation,
    "classroom_votes_api:consultation-close": _manages_consultation,
    "classroom_votes_api:consultation-ballot": _votes_in_consultation,
    "classroom_votes_api:consultation-participation": _views_participation,
    "classroom_votes_api:consultation-results": _views_results,
    # Debates API (tests/classroom_votes/test_debate_api.py posts): POST-only routes look the
    # debate or the argument up before answering 405 to a GET, as for consultations.
    "classroom_votes_api:debate-list": _follows_classwork,
    "classroom_votes_api:debate-detail": _views_debate,
    "classroom_votes_api:debate-close": _manages_debate,
    "classroom_votes_api:debate-reopen": _manages_debate,
    "classroom_votes_api:debate-archive": _manages_debate,
    "classroom_votes_api:debate-tree": _views_debate,
    "classroom_votes_api:debate-columns": _views_debate,
    "classroom_votes_api:debate-summary": _views_debate_summary,
    "classroom_votes_api:debate-moderation": _moderates_debate,
    "classroom_votes_api:debate-log": _moderates_debate,
    "classroom_votes_api:debate-blocks": _moderates_debate,
    "classroom_votes_api:debate-unblock": _moderates_debate,
    "classroom_votes_api:debate-arguments": _posts_in_debate,
    # World.argument is pupil A's: only its author withdraws it; only the debate's pupils mark
    # and report (refusing one's own post is the service's 400, tested there).
    "classroom_votes_api:argument-withdraw": lambda user, world: (
        user.is_authenticated and user.pk == world.argument.author_id
    ),
    "classroom_votes_api:argument-convincing": lambda user, world: (
        _pupil(user, world) and _views_debate(user, world)
    ),
    "classroom_votes_api:argument-report": lambda user, world: (
        _pupil(user, world) and _views_debate(user, world)
    ),
    "classroom_votes_api:argument-approve": _moderates_debate,
    "classroom_votes_api:argument-reject": _moderates_debate,
    "classroom_votes_api:argument-hide": _moderates_debate,
    "classroom_votes_api:argument-restore": _moderates_debate,
    "classroom_votes_api:argument-dismiss-reports": _moderates_debate,
}
# Only denied roles are POSTed to: an allowed POST would act (sign up, join, delete...).


def _url_names() -> list[tuple[str, list[str]]]:
    """(namespace:name, kwarg names) of every pattern in the project's namespaces."""
    found = []

    def walk(patterns, namespace=None, outer=()):
        for pattern in patterns:
            kwargs = (*outer, *pattern.pattern.regex.groupindex)  # an include's are its routes'
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, kwargs)
            elif isinstance(pattern, URLPattern) and namespace in NAMESPACES and pattern.name:
                found.append((f"{namespace}:{pattern.name}", list(kwargs)))

    walk(get_resolver().url_patterns)
    return sorted({(name, tuple(kwargs)) for name, kwargs in found})


@dataclass
class World:
    classroom: object
    pupil: object
    lesson: object
    assignment: object
    package: object
    users: dict
    consultation: object = None
    national_question: object = None
    # Class A's open debate (pre-moderated) and one published argument of pupil A in it.
    debate: object = None
    argument: object = None

    def kwargs_for(self, name: str, kwarg_names) -> dict:
        values = {
            # `pk` is the class everywhere but in the assignments API's detail route.
            "pk": self._pk_for(name),
            "classroom_id": self.classroom.pk,
            "classroom_pk": self.classroom.pk,
            "user_id": self.pupil.user_id,
            "user_pk": self.pupil.user_id,
            "assignment_pk": self.assignment.pk,
            "lesson_pk": self.lesson.pk,
            "activity_id": self.lesson.h5p_activity_ids()[0],
            "data_type": "state",
            "sub_content_id": "0",
            "key": self.package.content_key,
            "path": "h5p.json",
            "debate_pk": self.debate.pk,
            "argument_pk": self.argument.pk,
        }
        return {kwarg: values[kwarg] for kwarg in kwarg_names}

    def _pk_for(self, name: str) -> int:
        if name == "classroom_votes:national_question_launch":
            return self.national_question.pk
        if ":debate" in name:
            return self.debate.pk
        if ":argument" in name:
            return self.argument.pk
        if name.startswith(("classroom_votes_api:", "classroom_votes:")):
            return self.consultation.pk
        return self.assignment.pk if name.endswith(":assignment-detail") else self.classroom.pk


@pytest.fixture
def world(site_tree):
    teacher = teacher_create()
    other_teacher = teacher_create(school=school_create())
    # A spare class first, so class and assignment ids differ and a mixed-up kwarg shows.
    classroom_create(teacher=other_teacher, name="Spare")
    classroom = classroom_create(teacher=teacher, name="2nde A")
    other_classroom = classroom_create(teacher=other_teacher, name="2nde B")
    pupil = pupil_create(classroom=classroom)
    other_pupil = pupil_create(classroom=other_classroom)
    course = course_create(parent=site_tree)
    package = h5p_package_ready()
    lesson = lesson_create(
        course=course, body=[*content_blocks(1), quiz_block(), h5p_block(package=package)]
    )
    assignment = Assignment.objects.create(classroom=classroom, course=course, assigned_by=teacher)
    users = {
        "anonymous": None,
        "pupil": pupil.user,
        "other_pupil": other_pupil.user,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "editor": editor_create(),
        "admin": admin_create(),
    }
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    national_question = national_question_create()
    debate = debate_create(owner=teacher, classrooms=[classroom])
    argument = published(author=pupil.user, debate=debate)
    return World(
        classroom,
        pupil,
        lesson,
        assignment,
        package,
        users,
        consultation,
        national_question,
        debate,
        argument,
    )


def _client(world, role) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def _denied(response, *, method_refused_counts=False) -> bool:
    # A 405 for a method an API route never takes comes before any lookup: it reveals nothing.
    if response.status_code in (401, 403, 404) or (
        method_refused_counts and response.status_code == 405
    ):
        return True
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _row_counts() -> dict:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("school", "courses", "authtoken", "classroom_votes")
    }


def test_every_project_url_has_a_rule():
    names = {name for name, _kwargs in _url_names()}
    assert names, "no URL found: the resolver walk is broken"
    assert names == set(RULES), (
        f"without a rule: {sorted(names - set(RULES))}; stale: {sorted(set(RULES) - names)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_matches_the_rules(world, role):
    client = _client(world, role)
    user = world.users[role]
    from django.contrib.auth.models import AnonymousUser

    subject = user or AnonymousUser()
    mismatches = []
    for name, kwarg_names in _url_names():
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        allowed = RULES[name](subject, world)
        response = client.get(url)
        if _denied(response) == allowed:
            mismatches.append(
                f"GET {url} ({name}): {response.status_code}, expected "
                f"{'allowed' if allowed else 'denied'}"
            )
        if not allowed:
            before = _row_counts()
            post = client.post(url, {"count": 3, "enabled": "0", "name": "x"})
            if not _denied(post, method_refused_counts=True):
                mismatches.append(f"POST {url} ({name}): {post.status_code}, expected denied")
            if _row_counts() != before:
                mismatches.append(f"POST {url} ({name}) by {role} changed the database")
    assert not mismatches, "\n".join(mismatches)
