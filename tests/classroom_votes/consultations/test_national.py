"""National questions: written in the Wagtail admin (keys made from the labels, the method's
rules, the usual workflow), launched in class in two clicks as an open consultation linked to the
question, and protected once classes have voted on them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowContentType, WorkflowState

from classroom_votes.consultations import services
from classroom_votes.models import (
    Consultation,
    ConsultationStatus,
    NationalQuestion,
)
from classroom_votes.models.national import option_key_from_label
from classroom_votes.tallies import VotingMethod
from config.typography import french_text
from tests.school.factories import classroom_create, editor_create, teacher_create

from ..factories import CANDIDATES, SOURCES, national_question_create
from ..helpers import page_client_for

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_classroom_votes_nationalquestion:add"
EDIT = "wagtailsnippets_classroom_votes_nationalquestion:edit"
DELETE = "wagtailsnippets_classroom_votes_nationalquestion:delete"


def _admin_client(group: str) -> Client:
    editor = editor_create()
    editor.groups.add(Group.objects.get(name=group))
    return page_client_for(editor)


def _form(*, method="single", options=("Alice Martin", "Bruno Petit"), action=None, **extra):
    data = {
        "title": "Qui doit présider le conseil de la vie lycéenne ?",
        "context": "Une élection nationale fictive.",
        "method": method,
        "min_ballots": "5",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-panel": "medias",
        "sources-0-title": "Le CVL expliqué",
        "sources-0-url": "https://www.example.fr/cvl",
        "sources-0-summary": "",
        "sources-0-ORDER": "1",
        "sources-0-id": "",
        "sources-0-DELETE": "",
        **extra,
    }
    for n, label in enumerate(options):
        data.update(
            {
                f"options-{n}-label": label,
                f"options-{n}-description": "",
                f"options-{n}-ORDER": str(n + 1),
                f"options-{n}-id": "",
                f"options-{n}-DELETE": "",
            }
        )
    if action:
        data[action] = "1"
    return data


# --- Admin ------------------------------------------------------------------------------------


def test_option_keys_are_made_from_labels():
    assert option_key_from_label("Chloé Durand", set()) == "chloe-durand"
    assert option_key_from_label("Chloé Durand", {"chloe-durand"}) == "chloe-durand-2"
    assert option_key_from_label("Blanc", set()) == "option-blanc"
    assert option_key_from_label("???", set()) == "option"
    assert len(option_key_from_label("x" * 80, set())) == 32


def test_editor_submits_for_moderation_and_a_moderator_publishes():
    editor = _admin_client("Editors")
    response = editor.post(reverse(ADD), _form(action="action-submit"))
    assert response.status_code == 302, response.content.decode()[:3000]
    question = NationalQuestion.objects.get()
    assert not question.live, "submitted, not published"
    assert [o.key for o in question.options.all()] == ["alice-martin", "bruno-petit"]
    state = WorkflowState.objects.get(
        base_content_type=ContentType.objects.get_for_model(NationalQuestion)
    )
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    moderator = _admin_client("Moderators")
    edit = moderator.get(reverse(EDIT, args=[question.pk]))
    assert edit.status_code == 200
    assert "Approuver" in edit.text or "Approve" in edit.text


def test_national_questions_follow_the_default_workflow():
    assignment = WorkflowContentType.objects.get(
        content_type=ContentType.objects.get_for_model(NationalQuestion)
    )
    assert assignment.workflow.active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_form(method="yes_no"), "retirez les options"),
        (_form(options=("Seul",)), "de 2 à 40 options"),
        (_form(options=("Alice", "alice")), "même intitulé"),
        (_form(method="yes_no", options=(), second_round="on"), "choix unique"),
        (_form(**{"sources-0-url": ""}), "besoin d&#x27;un lien"),
    ],
)
def test_admin_refuses_what_a_vote_could_not_run(data, message):
    moderator = _admin_client("Moderators")
    response = moderator.post(reverse(ADD), data)
    assert response.status_code == 200
    assert message in response.text
    assert not NationalQuestion.objects.exists()


def test_options_are_fixed_once_a_class_has_launched_the_question():
    question = national_question_create(method=VotingMethod.SINGLE)
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    services.consultation_create_from_national(
        owner=teacher, national_question=question, classrooms=[classroom]
    )
    moderator = _admin_client("Moderators")
    options = list(question.options.all())
    data = _form(options=(), action="action-publish")
    data.update(
        {"options-TOTAL_FORMS": str(len(options) + 1), "options-INITIAL_FORMS": str(len(options))}
    )
    for n, option in enumerate(options):
        data.update(
            {
                f"options-{n}-id": str(option.pk),
                f"options-{n}-label": option.label + " (corrigé)",
                f"options-{n}-description": "",
                f"options-{n}-ORDER": str(n + 1),
            }
        )
    n = len(options)
    data.update({f"options-{n}-label": "Nouvelle candidate", f"options-{n}-ORDER": str(n + 1)})
    refused = moderator.post(reverse(EDIT, args=[question.pk]), data)
    assert refused.status_code == 200
    assert "ne peuvent plus changer" in refused.text
    assert question.options.count() == len(options)

    data["options-TOTAL_FORMS"] = str(len(options))
    accepted = moderator.post(reverse(EDIT, args=[question.pk]), data)
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    assert [o.key for o in question.options.all()] == [c["key"] for c in CANDIDATES]
    assert question.options.first().label.endswith("(corrigé)")


def test_deleting_a_launched_question_is_refused_with_a_message():
    question = national_question_create()
    teacher = teacher_create()
    services.consultation_create_from_national(
        owner=teacher, national_question=question, classrooms=[classroom_create(teacher=teacher)]
    )
    moderator = _admin_client("Moderators")
    response = moderator.post(reverse(DELETE, args=[question.pk]), follow=True)
    assert NationalQuestion.objects.filter(pk=question.pk).exists()
    assert "ne peut pas être supprimée" in response.text


def test_preview_shows_the_panels():
    moderator = _admin_client("Moderators")
    preview = moderator.post(
        reverse("wagtailsnippets_classroom_votes_nationalquestion:preview_on_add"), _form()
    )
    assert preview.status_code == 200
    page = moderator.get(reverse("wagtailsnippets_classroom_votes_nationalquestion:preview_on_add"))
    assert "Les médias en parlent" in page.text and "Le CVL expliqué" in page.text


# --- Launching in class -----------------------------------------------------------------------


def test_launch_copies_the_question_opens_it_and_links_it():
    closes = timezone.now() + timedelta(days=10)
    question = national_question_create(method=VotingMethod.SINGLE, closes_at=closes)
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    consultation = services.consultation_create_from_national(
        owner=teacher, national_question=question, classrooms=[classroom]
    )
    assert consultation.status == ConsultationStatus.OPEN
    assert consultation.national_question == question
    assert consultation.title == question.title and consultation.closes_at == closes
    assert [(o.key, o.label) for o in consultation.options.all()] == [
        (c["key"], c["label"]) for c in CANDIDATES
    ]
    assert consultation.sources.count() == len(SOURCES)


@pytest.mark.parametrize(
    "extra",
    [
        {"live": False},
        {"opens_at": timezone.now() + timedelta(days=1)},
        {
            "opens_at": timezone.now() - timedelta(days=2),
            "closes_at": timezone.now() - timedelta(days=1),
        },
    ],
)
def test_launch_outside_publication_or_period_is_refused(extra):
    question = national_question_create(**extra)
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher)
    with pytest.raises(services.ConsultationError) as error:
        services.consultation_create_from_national(
            owner=teacher, national_question=question, classrooms=[classroom]
        )
    assert error.value.code == services.NATIONAL_QUESTION_NOT_RUNNABLE
    assert not Consultation.objects.exists()
    page = page_client_for(teacher).get(reverse("classroom_votes:consultation_list"))
    assert question.title not in page.text
    launch = page_client_for(teacher).post(
        reverse("classroom_votes:national_question_launch", kwargs={"pk": question.pk}),
        {f"nq{question.pk}-classrooms": [classroom.pk]},
    )
    assert launch.status_code == 404


def test_teacher_launches_in_two_clicks():
    question = national_question_create()
    teacher = teacher_create()
    classroom = classroom_create(teacher=teacher, name="1re G2")
    client = page_client_for(teacher)
    listing = client.get(reverse("classroom_votes:consultation_list"))
    assert french_text(question.title) in listing.text
    # The only class is already ticked: the button is the second click.
    assert "checked" in listing.text and "Lancer le vote en classe" in listing.text
    response = client.post(
        reverse("classroom_votes:national_question_launch", kwargs={"pk": question.pk}),
        {f"nq{question.pk}-classrooms": [classroom.pk]},
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "classroom_votes:consultation_detail", kwargs={"pk": consultation.pk}
    )
    assert consultation.status == ConsultationStatus.OPEN
    assert list(consultation.classrooms.all()) == [classroom]


def test_launch_in_a_class_one_does_not_teach_is_refused():
    question = national_question_create()
    teacher = teacher_create()
    classroom_create(teacher=teacher)
    foreign = classroom_create(teacher=teacher_create())
    response = page_client_for(teacher).post(
        reverse("classroom_votes:national_question_launch", kwargs={"pk": question.pk}),
        {f"nq{question.pk}-classrooms": [foreign.pk]},
    )
    assert response.status_code == 400
    assert not Consultation.objects.exists()
    empty = page_client_for(teacher).post(
        reverse("classroom_votes:national_question_launch", kwargs={"pk": question.pk}), {}
    )
    assert empty.status_code == 400
    assert not Consultation.objects.exists()
