"""The permission matrix over every page and endpoint of the project's own apps, by hand.

Every URL pattern of the project's namespaces is found by walking the URL resolver, so a new view
without a row here fails the test. Its kwargs are filled from one world (class A of teacher A
with pupil A; class B of teacher B, of another school, with pupil B), and each of the seven roles
is checked against its row, written by hand rather than derived from the predicates under test:
allowed means neither 401/403/404 nor a redirect to the login page; denied means one of those,
for GET and for POST, and a denied POST changes nothing in the database."""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from courses.models import Assignment
from school.models import SchoolMembershipRequest
from tests.classroom_votes.debate_factories import debate_create, published
from tests.classroom_votes.elections.factories import election_create
from tests.classroom_votes.factories import consultation_create, national_question_create
from tests.courses.factories import (
    content_blocks,
    course_create,
    h5p_block,
    h5p_package_ready,
    lesson_create,
    quiz_block,
    teacher_guide_create,
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
    "landing",
    "content",
)
ROLES = ["anonymous", "pupil", "other_pupil", "teacher", "other_teacher", "editor", "admin"]

# URL name -> for each role, in the order of ROLES: Y may reach it, - may not. Class-scoped names
# are checked on class A: pupil and teacher are class A's, other_pupil and other_teacher class
# B's. Only denied roles are POSTed to: an allowed POST would act (sign up, join, delete...).
# fmt: off
EXPECTED = {
    # (anonymous, pupil, other_pupil, teacher, other_teacher, editor, admin)
    #                                                   an  pu  op  te  ot  ed  ad
    "school:teacher_signup":                           "Y   Y   Y   Y   Y   Y   Y",
    "school:pupil_join":                               "Y   Y   Y   Y   Y   Y   Y",
    "school:pupil_login":                              "Y   Y   Y   Y   Y   Y   Y",
    "school:teacher_signup_done":                      "Y   Y   Y   Y   Y   Y   Y",
    # A bad link (the world's uidb64 and token are made up) answers a page saying so.
    "school:teacher_confirm":                          "Y   Y   Y   Y   Y   Y   Y",
    "school:account_home":                             "-   Y   Y   Y   Y   Y   Y",
    # « Mon compte »: every account with an e-mail address, not pupils (their teacher resets).
    "school:account":                                  "-   -   -   Y   Y   Y   Y",
    "school:account_export":                           "-   -   -   Y   Y   Y   Y",
    "school:account_erase":                            "-   -   -   Y   Y   Y   Y",
    "school:password_change":                          "-   -   -   Y   Y   Y   Y",
    "school:password_change_done":                     "-   -   -   Y   Y   Y   Y",
    "school:password_reset":                           "Y   Y   Y   Y   Y   Y   Y",
    "school:password_reset_done":                      "Y   Y   Y   Y   Y   Y   Y",
    "school:password_reset_confirm":                   "Y   Y   Y   Y   Y   Y   Y",
    "school:password_reset_complete":                  "Y   Y   Y   Y   Y   Y   Y",
    # A newcomer's pending request to join teacher A's school: its teachers and administrators
    # decide (a GET goes back to the list); to anyone else it does not exist.
    "school:membership_requests":                      "-   -   -   Y   Y   -   Y",
    "school:membership_request_decide":                "-   -   -   Y   -   -   Y",
    "school:classroom_list":                           "-   -   -   Y   Y   -   Y",
    "school:classroom_create":                         "-   -   -   Y   Y   -   Y",
    "school:classroom_detail":                         "-   -   -   Y   -   -   Y",
    "school:classroom_code":                           "-   -   -   Y   -   -   Y",
    "school:classroom_join_set":                       "-   -   -   Y   -   -   Y",
    "school:classroom_join_settings":                  "-   -   -   Y   -   -   Y",
    "school:classroom_archive":                        "-   -   -   Y   -   -   Y",
    "school:pupils_bulk_create":                       "-   -   -   Y   -   -   Y",
    "school:pupil_secret_reset":                       "-   -   -   Y   -   -   Y",
    "school:pupil_move":                               "-   -   -   Y   -   -   Y",
    "school:pupil_delete":                             "-   -   -   Y   -   -   Y",
    # A teacher's own API tokens: nobody else's are ever listed (tests/school/test_api_tokens.py).
    "school:api_tokens":                               "-   -   -   Y   Y   -   -",
    "school:pupil_unlock":                             "-   -   -   Y   -   -   Y",
    "school:pupils_unlock":                            "-   -   -   Y   -   -   Y",
    # POST-only but the rename page: a GET answers 405 to those who may POST.
    "school:pupils_approve_all":                       "-   -   -   Y   -   -   Y",
    "school:pupil_approve":                            "-   -   -   Y   -   -   Y",
    "school:pupil_refuse":                             "-   -   -   Y   -   -   Y",
    "school:pupil_rename":                             "-   -   -   Y   -   -   Y",
    # For a waiting pupil, the page; for anyone else signed in, a redirect to the pupil's home.
    "school:pupil_waiting":                            "-   Y   Y   Y   Y   Y   Y",
    "school:privacy":                                  "-   Y   Y   -   -   -   -",
    "school:privacy_export":                           "-   Y   Y   -   -   -   -",
    "courses:dashboard":                               "-   Y   Y   Y   Y   Y   Y",
    "landing:pupil":                                   "-   Y   Y   -   -   -   -",
    "landing:teacher":                                 "-   -   -   Y   Y   -   Y",
    "courses:classroom_list":                          "-   -   -   Y   Y   -   Y",
    "courses:class_dashboard":                         "-   -   -   Y   -   -   Y",
    "courses:class_export_csv":                        "-   -   -   Y   -   -   Y",
    "courses:assignments":                             "-   -   -   Y   -   -   Y",
    "courses:assignment_remove":                       "-   -   -   Y   -   -   Y",
    "courses:pupil_detail":                            "-   -   -   Y   -   -   Y",
    "courses:lesson_questions":                        "-   -   -   Y   -   -   Y",
    # A lesson's teacher's guide (corrected exercises): any teacher, editors, administrators;
    # never a pupil. Launching its ready-made question: whoever has classes (into their own
    # class only: tests/content/test_ready_made_launch.py and test_permission_ids.py).
    "courses:teacher_guide":                           "-   -   -   Y   Y   Y   Y",
    "content:glossary":                                "Y   Y   Y   Y   Y   Y   Y",
    "content:ready_made_launch":                       "-   -   -   Y   Y   -   Y",
    # Lessons are public: so are their activities' files and IRIs; saved state needs a login.
    "courses:h5p_file":                                "Y   Y   Y   Y   Y   Y   Y",
    "courses:h5p_activity":                            "Y   Y   Y   Y   Y   Y   Y",
    "courses:h5p_player":                              "Y   Y   Y   Y   Y   Y   Y",
    "courses:h5p_state":                               "-   Y   Y   Y   Y   Y   Y",
    "school_api:classroom-list":                       "-   -   -   Y   Y   -   Y",
    "school_api:classroom-detail":                     "-   -   -   Y   -   -   Y",
    "school_api:classroom-pupils":                     "-   -   -   Y   -   -   Y",
    # Anyone may POST credentials; whose they are decides (tests/school/test_api.py).
    "school_api:token":                                "Y   Y   Y   Y   Y   Y   Y",
    # The caller's own tokens; logging out takes a token, not a session. Revoking is DELETE
    # only: a GET answers 405 to teachers, 403 to the others; whose token may be revoked is
    # checked in tests/school/test_api.py and test_api_tokens.py.
    "school_api:token-list":                           "-   -   -   Y   Y   -   -",
    "school_api:token-detail":                         "-   -   -   Y   Y   -   -",
    "school_api:token-logout":                         "-   -   -   -   -   -   -",
    "courses_api:progress":                            "-   Y   Y   Y   Y   -   Y",
    "courses_api:assignment-list":                     "-   Y   Y   Y   Y   -   Y",
    "courses_api:assignment-detail":                   "-   Y   -   Y   -   -   Y",
    "courses_api:xapi-statements":                     "-   Y   Y   Y   Y   Y   Y",
    # Class A's open consultation (teacher A's); a published national question.
    "classroom_votes:consultation_list":               "-   Y   Y   Y   Y   -   Y",
    "classroom_votes:consultation_create":             "-   -   -   Y   Y   -   Y",
    "classroom_votes:national_question_launch":        "-   -   -   Y   Y   -   Y",
    "classroom_votes:election_launch":                 "-   -   -   Y   Y   -   Y",
    # « Résultats nationaux »: public, for everyone.
    "classroom_votes:national_results_index":          "Y   Y   Y   Y   Y   Y   Y",
    "classroom_votes:national_results":                "Y   Y   Y   Y   Y   Y   Y",
    "classroom_votes:consultation_detail":             "-   Y   -   Y   -   -   Y",
    # GET sends back to the consultation; POSTing a ballot is checked in test_pages.
    "classroom_votes:consultation_vote":               "-   Y   -   Y   -   -   Y",
    "classroom_votes:consultation_voted":              "-   Y   -   Y   -   -   Y",
    "classroom_votes:consultation_participation":      "-   -   -   Y   -   -   Y",
    "classroom_votes:consultation_open":               "-   -   -   Y   -   -   Y",
    "classroom_votes:consultation_close":              "-   -   -   Y   -   -   Y",
    "classroom_votes:consultation_results":            "-   Y   -   Y   -   -   Y",
    "classroom_votes:consultation_results_csv":        "-   -   -   Y   -   -   Y",
    "classroom_votes:consultation_pv":                 "-   -   -   Y   -   -   Y",
    # GET goes back to the results; POSTing is checked in test_second_round.
    "classroom_votes:consultation_second_round":       "-   -   -   Y   -   -   Y",
    # Class A's open debate (pre-moderated, teacher A's) and pupil A's published argument in
    # it. A GET on a POST-only action shows its confirmation page, or goes back to the debate
    # when there is nothing to confirm; who may act on what is checked in test_debate_pages.
    "classroom_votes:debate_list":                     "-   Y   Y   Y   Y   -   Y",
    "classroom_votes:debate_create":                   "-   -   -   Y   Y   -   Y",
    "classroom_votes:debate_detail":                   "-   Y   -   Y   -   -   Y",
    "classroom_votes:debate_columns":                  "-   Y   -   Y   -   -   Y",
    "classroom_votes:debate_summary":                  "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_moderation":               "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_settings_update":          "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_close":                    "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_reopen":                   "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_archive":                  "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_argument_post":            "-   Y   -   Y   -   -   Y",
    "classroom_votes:debate_argument_convincing":      "-   Y   -   Y   -   -   Y",
    "classroom_votes:debate_argument_report":          "-   Y   -   Y   -   -   Y",
    "classroom_votes:debate_argument_withdraw":        "-   Y   -   Y   -   -   Y",
    "classroom_votes:debate_argument_approve":         "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_argument_reject":          "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_argument_hide":            "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_argument_restore":         "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_argument_reports_dismiss": "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_pupil_block":              "-   -   -   Y   -   -   Y",
    "classroom_votes:debate_pupil_unblock":            "-   -   -   Y   -   -   Y",
    # POST-only routes look the consultation up before answering 405 to a GET, so GET shows
    # who may reach them (tests/classroom_votes/consultations/test_api.py posts).
    "classroom_votes_api:consultation-list":           "-   Y   Y   Y   Y   -   Y",
    "classroom_votes_api:consultation-detail":         "-   Y   -   Y   -   -   Y",
    "classroom_votes_api:consultation-open":           "-   -   -   Y   -   -   Y",
    "classroom_votes_api:consultation-close":          "-   -   -   Y   -   -   Y",
    "classroom_votes_api:consultation-ballot":         "-   Y   -   -   -   -   -",
    "classroom_votes_api:consultation-participation":  "-   -   -   Y   -   -   Y",
    "classroom_votes_api:consultation-results":        "-   Y   -   Y   -   -   Y",
    "classroom_votes_api:consultation-second-round":   "-   -   -   Y   -   -   Y",
    # Debates API (tests/classroom_votes/debates/test_debate_api.py posts): POST-only routes
    # look the debate or the argument up before answering 405 to a GET, as for consultations.
    "classroom_votes_api:debate-list":                 "-   Y   Y   Y   Y   -   Y",
    "classroom_votes_api:debate-detail":               "-   Y   -   Y   -   -   Y",
    "classroom_votes_api:debate-close":                "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-reopen":               "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-archive":              "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-tree":                 "-   Y   -   Y   -   -   Y",
    "classroom_votes_api:debate-columns":              "-   Y   -   Y   -   -   Y",
    "classroom_votes_api:debate-summary":              "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-moderation":           "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-log":                  "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-blocks":               "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-unblock":              "-   -   -   Y   -   -   Y",
    "classroom_votes_api:debate-arguments":            "-   Y   -   Y   -   -   Y",
    # The argument is pupil A's: only its author withdraws it; only the debate's pupils mark
    # and report (refusing one's own post is the service's 400, tested there).
    "classroom_votes_api:argument-withdraw":           "-   Y   -   -   -   -   -",
    "classroom_votes_api:argument-convincing":         "-   Y   -   -   -   -   -",
    "classroom_votes_api:argument-report":             "-   Y   -   -   -   -   -",
    "classroom_votes_api:argument-approve":            "-   -   -   Y   -   -   Y",
    "classroom_votes_api:argument-reject":             "-   -   -   Y   -   -   Y",
    "classroom_votes_api:argument-hide":               "-   -   -   Y   -   -   Y",
    "classroom_votes_api:argument-restore":            "-   -   -   Y   -   -   Y",
    "classroom_votes_api:argument-dismiss-reports":    "-   -   -   Y   -   -   Y",
    # Open data: official election results, public.
    "classroom_votes_api:election-list":               "Y   Y   Y   Y   Y   Y   Y",
    "classroom_votes_api:election-detail":             "Y   Y   Y   Y   Y   Y   Y",
    # National open data: public and read-only (tests/classroom_votes/national/test_api.py).
    "classroom_votes_api:national-question-list":      "Y   Y   Y   Y   Y   Y   Y",
    "classroom_votes_api:national-question-results":   "Y   Y   Y   Y   Y   Y   Y",
}
# fmt: on


def _allowed(name: str, role: str) -> bool:
    return EXPECTED[name].split()[ROLES.index(role)] == "Y"


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
    election: object = None
    membership_request: object = None
    # Class B (teacher B's, another school) and pupil B.
    other_classroom: object = None
    other_pupil: object = None

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
            "request_id": self.membership_request.pk,
            "uidb64": "MQ",
            "token": "made-up-token",
        }
        return {kwarg: values[kwarg] for kwarg in kwarg_names}

    def _pk_for(self, name: str) -> int:
        if name in (
            "classroom_votes:national_question_launch",
            "classroom_votes:national_results",
            "classroom_votes_api:national-question-results",
        ):
            return self.national_question.pk
        if name in ("classroom_votes:election_launch", "classroom_votes_api:election-detail"):
            return self.election.pk
        if ":debate" in name:
            return self.debate.pk
        if ":argument" in name:
            return self.argument.pk
        if name.startswith(("classroom_votes_api:", "classroom_votes:")):
            return self.consultation.pk
        return self.assignment.pk if name.endswith(":assignment-detail") else self.classroom.pk


def world_build(
    site_tree, *, teacher=None, other_teacher=None, pupil_make=None, users=None
) -> World:
    """The matrix's world. Other modules pass users made another way (tests/school/
    account_flows.py): `teacher` and `other_teacher` (of two different schools), `pupil_make`
    (classroom -> PupilProfile) for both pupils, and `users` to replace some of the roles."""
    teacher = teacher or teacher_create()
    other_teacher = other_teacher or teacher_create(school=school_create())
    pupil_make = pupil_make or (lambda classroom: pupil_create(classroom=classroom))
    # A spare class first, so class and assignment ids differ and a mixed-up kwarg shows.
    classroom_create(teacher=other_teacher, name="Spare")
    classroom = classroom_create(teacher=teacher, name="2nde A")
    other_classroom = classroom_create(teacher=other_teacher, name="2nde B")
    pupil = pupil_make(classroom)
    other_pupil = pupil_make(other_classroom)
    course = course_create(parent=site_tree)
    package = h5p_package_ready()
    lesson = lesson_create(
        course=course, body=[*content_blocks(1), quiz_block(), h5p_block(package=package)]
    )
    teacher_guide_create(lesson=lesson)
    assignment = Assignment.objects.create(classroom=classroom, course=course, assigned_by=teacher)
    all_users = {
        "anonymous": None,
        "pupil": pupil.user,
        "other_pupil": other_pupil.user,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "editor": editor_create(),
        "admin": admin_create(),
        **(users or {}),
    }
    consultation = consultation_create(owner=teacher, classrooms=[classroom])
    national_question = national_question_create()
    debate = debate_create(owner=teacher, classrooms=[classroom])
    argument = published(author=pupil.user, debate=debate)
    newcomer = teacher_create(school=school_create())
    membership_request = SchoolMembershipRequest.objects.create(
        school=classroom.school, teacher=newcomer
    )
    return World(
        classroom,
        pupil,
        lesson,
        assignment,
        package,
        all_users,
        consultation,
        national_question,
        debate,
        argument,
        election_create(),
        membership_request,
        other_classroom,
        other_pupil,
    )


@pytest.fixture
def world(site_tree):
    return world_build(site_tree)


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
        if model._meta.app_label in ("school", "courses", "knox", "classroom_votes")
    }


def test_every_project_url_has_a_row():
    names = {name for name, _kwargs in _url_names()}
    assert names, "no URL found: the resolver walk is broken"
    assert names == set(EXPECTED), (
        f"without a row: {sorted(names - set(EXPECTED))}; stale: {sorted(set(EXPECTED) - names)}"
    )
    malformed = [
        name
        for name, row in EXPECTED.items()
        if len(row.split()) != len(ROLES) or set(row.split()) - {"Y", "-"}
    ]
    assert not malformed, f"rows without one Y or - per role: {malformed}"


def matrix_mismatches(world, role: str, client, *, names=None) -> list[str]:
    """Every row (or those of `names`) checked for `role` through `client`, logged in however
    the caller chose: what differs from EXPECTED, one line each."""
    mismatches = []
    for name, kwarg_names in _url_names():
        if names is not None and name not in names:
            continue
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        allowed = _allowed(name, role)
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
    return mismatches


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_matches_the_table(world, role):
    mismatches = matrix_mismatches(world, role, _client(world, role))
    assert not mismatches, "\n".join(mismatches)


def test_a_signed_up_teacher_waiting_for_approval_is_another_teacher(world, client):
    """An account made through sign-up (confirmed, its request to join class A's school pending)
    reaches nothing of class A: on every URL denied to another school's teacher, it is denied."""
    from django.core import mail

    school = world.classroom.school
    client.post(
        reverse("school:teacher_signup"),
        {
            "email": "nouveau@example.fr",
            "password1": "Constitution-1958!",
            "password2": "Constitution-1958!",
            "uai": school.uai,
            "location": "france",
        },
    )
    link = next(m for m in mail.outbox if "/inscription/confirmer/" in m.body)
    client.post(re.search(r"https?://[^/\s]+(/inscription/confirmer/\S+/)", link.body).group(1))
    assert "_auth_user_id" in client.session, "the sign-up did not log in after confirming"
    mismatches = []
    for name, kwarg_names in _url_names():
        if _allowed(name, "other_teacher"):
            continue
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        response = client.get(url)
        if not _denied(response):
            mismatches.append(f"GET {url} ({name}): {response.status_code}")
        before = _row_counts()
        post = client.post(url, {"count": 3, "enabled": "0", "name": "x", "decision": "approve"})
        if not _denied(post, method_refused_counts=True) or _row_counts() != before:
            mismatches.append(f"POST {url} ({name}): {post.status_code}")
    assert not mismatches, "\n".join(mismatches)


# What a pupil who joined and waits for their teacher may reach: nothing of the class.
WAITING_PUPIL_REACHES = {
    "school:pupil_waiting",
    "school:privacy",
    "school:privacy_export",
}


def test_waiting_pupil_reaches_nothing(world):
    """A pupil of class A who joined and is not accepted yet: every page and endpoint but the
    waiting page and their own data is refused or sends them to the waiting page, for GET and
    POST, and changes nothing (pupil A's rows say what an accepted pupil reaches)."""
    waiting = pupil_create(classroom=world.classroom, approved=False)
    client = Client()
    client.force_login(waiting.user)
    waiting_page = reverse("school:pupil_waiting")
    names = {name for name, _kwargs in _url_names()}
    assert names >= WAITING_PUPIL_REACHES
    mismatches = []
    for name, kwarg_names in _url_names():
        url = reverse(name, kwargs=world.kwargs_for(name, kwarg_names))
        if name in WAITING_PUPIL_REACHES:
            if _denied(client.get(url)):
                mismatches.append(f"GET {url} ({name}): refused to a waiting pupil")
            continue
        for method in ("get", "post"):
            before = _row_counts()
            response = getattr(client, method)(url, {"count": 3, "enabled": "1", "name": "x"})
            sent_to_waiting = response.status_code == 302 and response["Location"] == waiting_page
            if not (sent_to_waiting or _denied(response)):
                mismatches.append(f"{method.upper()} {url} ({name}): {response.status_code}")
            if _row_counts() != before:
                mismatches.append(f"{method.upper()} {url} ({name}) changed the database")
    assert not mismatches, "\n".join(mismatches)


# Admin routes the project adds to Wagtail's own (a snippet viewset's get_urlpatterns): Wagtail's
# generic snippet routes are Wagtail's to check; these are ours, and each needs a row. Wagtail
# answers a refusal in its admin with a redirect to its login page or its dashboard. The world's
# editor is put in Wagtail's Editors group, as the site's editors are.
ADMIN_NAMESPACES = ("wagtailsnippets_courses_h5ppackage",)
WAGTAIL_SNIPPET_ROUTES = {
    "list",
    "list_results",
    "add",
    "edit",
    "delete",
    "usage",
    "history",
    "history_results",
    "copy",
}
# fmt: off
ADMIN_EXPECTED = {
    #                                                   an  pu  op  te  ot  ed  ad
    # « Relancer la vérification »: POST only (a GET answers 405 to those who may POST),
    # "change" on the package (tests/courses/test_h5p_pipeline.py posts). The world's admin
    # (a role, in no Wagtail group and not a superuser) has no way into Wagtail's admin.
    "wagtailsnippets_courses_h5ppackage:check_retry":  "-   -   -   -   -   Y   -",
}
# fmt: on


def _admin_url_names() -> list[tuple[str, tuple[str, ...]]]:
    found = []

    def walk(patterns, namespace=None, outer=()):
        for pattern in patterns:
            kwargs = (*outer, *pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, kwargs)
            elif (
                isinstance(pattern, URLPattern)
                and namespace in ADMIN_NAMESPACES
                and pattern.name not in WAGTAIL_SNIPPET_ROUTES
            ):
                found.append((f"{namespace}:{pattern.name}", kwargs))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


def _admin_denied(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in (
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_home"),
    )


def test_every_project_admin_url_has_a_row():
    names = {name for name, _kwargs in _admin_url_names()}
    assert names == set(ADMIN_EXPECTED), (
        f"without a row: {sorted(names - set(ADMIN_EXPECTED))}; "
        f"stale: {sorted(set(ADMIN_EXPECTED) - names)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_project_admin_urls_match_the_table(world, role):
    from django.contrib.auth.models import Group

    world.users["editor"].groups.add(Group.objects.get(name="Editors"))
    client = _client(world, role)
    mismatches = []
    for name, kwarg_names in _admin_url_names():
        url = reverse(name, kwargs=dict.fromkeys(kwarg_names, world.package.pk))
        allowed = ADMIN_EXPECTED[name].split()[ROLES.index(role)] == "Y"
        response = client.get(url)
        if _admin_denied(response) == allowed:
            mismatches.append(f"GET {url}: {response.status_code}, expected allowed={allowed}")
        if not allowed:
            before = _row_counts()
            post = client.post(url)
            if not _admin_denied(post) or _row_counts() != before:
                mismatches.append(f"POST {url} by {role}: {post.status_code}")
    assert not mismatches, "\n".join(mismatches)
