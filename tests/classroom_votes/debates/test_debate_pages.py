"""The debate pages: lists, creation and settings, the tree with its forms (post, reply, comment,
convincing, report, withdraw), the two columns, the teacher's summary, every moderation path
(pre-moderation, word filter, reports and automatic hiding, hide and restore with a reason,
dismissing reports, blocks) and the debate's life cycle, all through the pages. Every refusal
shows the service's French message with its HTTP status and stores nothing; the tree page's
query count does not grow with the number of posts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classroom_votes.debates import services
from classroom_votes.debates.selectors import debates_visible_to
from classroom_votes.models import (
    Argument,
    ArgumentReport,
    ArgumentStatus,
    ConvincingMark,
    Debate,
    DebateStatus,
    ModerationAction,
    ModerationEvent,
    PostingBlock,
    Side,
)
from config.typography import french_text
from tests.school.factories import classroom_create, pupil_create, teacher_create

from ..debate_factories import debate_create, debate_world, post, published
from ..factories import consultation_create
from ..helpers import page_client_for, page_url

pytestmark = pytest.mark.django_db


def _url(name, debate, **kwargs):
    return page_url(f"debate_{name}", debate, **kwargs)


def _arg_url(name, argument, **kwargs):
    return reverse(
        f"classroom_votes:debate_argument_{name}",
        kwargs={"pk": argument.debate_id, "argument_pk": argument.pk, **kwargs},
    )


def _rows() -> tuple[int, ...]:
    return (
        Argument.objects.count(),
        ConvincingMark.objects.count(),
        ArgumentReport.objects.filter(resolved_at__isnull=True).count(),
        ModerationEvent.objects.count(),
        PostingBlock.objects.count(),
        tuple(Argument.objects.order_by("pk").values_list("status", flat=True)),
    )


def _refused(client, url, data, *, status: int, message: str):
    """A POST refused with `status` and `message` (French) that changes nothing."""
    before = _rows()
    response = client.post(url, data)
    assert response.status_code == status, response.content[:300]
    assert message in response.text
    assert _rows() == before
    return response


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


@pytest.fixture
def world():
    return debate_world(pupils=4)


@pytest.fixture
def open_world():
    """A debate without pre-moderation: pupils' posts are published at once."""
    return debate_world(pupils=4, premoderation=False, auto_hide_reports=2)


# --- Lists, creation, settings ----------------------------------------------------------------


def test_pupil_list_shows_the_debates_of_their_class_with_status(world):
    closed = debate_create(owner=world.teacher, classrooms=[world.classroom], thesis="Clos ?")
    services.debate_close(debate=closed, by=world.teacher)
    archived = debate_create(owner=world.teacher, classrooms=[world.classroom], thesis="Vieux ?")
    services.debate_archive(debate=archived, by=world.teacher)
    debate_create(owner=world.other_teacher, classrooms=[world.other_classroom], thesis="Ailleurs")
    page = page_client_for(world.pupil).get(reverse("classroom_votes:debate_list"))
    assert page.status_code == 200
    assert french_text(world.debate.thesis) in page.text and french_text("Clos ?") in page.text
    assert french_text("Vieux ?") not in page.text and "Ailleurs" not in page.text
    assert "Débat ouvert" in page.text and "Débat clos" in page.text
    assert _url("detail", world.debate) in page.text


def test_teacher_list_counts_published_posts_and_what_waits(world):
    published(author=world.pupils[0], debate=world.debate)
    post(author=world.pupils[1], debate=world.debate, text="En attente")
    page = page_client_for(world.teacher).get(reverse("classroom_votes:debate_list"))
    assert page.status_code == 200
    assert "Nouveau débat" in page.text
    assert "1 à traiter" in page.text
    assert _url("moderation", world.debate) in page.text
    assert "2nde 3" in page.text


def test_teacher_creates_a_debate_premoderated_by_default(world):
    consultation = consultation_create(owner=world.teacher, classrooms=[world.classroom])
    client = page_client_for(world.teacher)
    form = client.get(reverse("classroom_votes:debate_create"))
    assert form.status_code == 200
    assert 'id="id_premoderation" checked' in form.text
    response = client.post(
        reverse("classroom_votes:debate_create"),
        {
            "classrooms": [world.classroom.pk],
            "thesis": "Faut-il rendre le vote obligatoire ?",
            "context": "En lien avec le cours sur la participation.",
            "consultation": consultation.pk,
            "premoderation": "on",
            "auto_hide_reports": "4",
            "max_depth": "3",
            "extra_words": "patate, navet",
        },
    )
    assert response.status_code == 302
    debate = Debate.objects.get(thesis="Faut-il rendre le vote obligatoire ?")
    assert response["Location"] == _url("detail", debate)
    assert (debate.premoderation, debate.links_allowed, debate.auto_hide_reports) == (
        True,
        False,
        4,
    )
    assert (debate.max_depth, debate.extra_words, debate.consultation) == (
        3,
        "patate\nnavet",
        consultation,
    )
    page = client.get(response["Location"])
    assert "Le débat est ouvert" in page.text
    assert french_text(consultation.title) in page.text


def test_debate_creation_refusals_store_nothing(world):
    client = page_client_for(world.teacher)
    url = reverse("classroom_votes:debate_create")
    base = {"thesis": "Une thèse", "auto_hide_reports": "3", "max_depth": "4"}
    page = client.post(url, base)
    assert page.status_code == 400
    assert Debate.objects.count() == 1
    page = client.post(url, {**base, "classrooms": [world.other_classroom.pk]})
    assert page.status_code == 400
    page = client.post(
        url, {**base, "classrooms": [world.classroom.pk], "extra_words": "<script>*x"}
    )
    assert page.status_code == 400
    assert "Chaque mot surveillé" in page.text
    assert Debate.objects.count() == 1


def test_settings_update_is_logged_and_applies_to_new_posts(world):
    client = page_client_for(world.teacher)
    url = _url("settings_update", world.debate)
    assert client.get(url).status_code == 200
    response = client.post(url, {"auto_hide_reports": "5", "max_depth": "2", "extra_words": ""})
    assert response.status_code == 302
    world.debate.refresh_from_db()
    assert (world.debate.premoderation, world.debate.auto_hide_reports) == (False, 5)
    event = ModerationEvent.objects.get(action=ModerationAction.SETTINGS)
    assert "pré-modération : non" in event.reason
    page_client_for(world.pupil).post(
        _url("argument_post", world.debate), {"position": "pour", "text": "Oui"}
    )
    assert Argument.objects.get().status == ArgumentStatus.PUBLISHED
    assert page_client_for(world.pupil).get(url).status_code == 403


def test_close_reopen_archive_through_confirmation_pages(world):
    client = page_client_for(world.teacher)
    assert "Clore le débat" in client.get(_url("close", world.debate)).text
    assert client.post(_url("close", world.debate)).status_code == 302
    world.debate.refresh_from_db()
    assert world.debate.status == DebateStatus.CLOSED
    again = client.post(_url("close", world.debate))
    assert again.status_code == 409
    assert "Le débat est clos" in again.text
    tree = page_client_for(world.pupil).get(_url("detail", world.debate))
    assert french_text("Le débat est clos : on peut le relire") in tree.text
    _refused(
        page_client_for(world.pupil),
        _url("argument_post", world.debate),
        {"position": "pour", "text": "Trop tard"},
        status=409,
        message="Le débat est clos",
    )
    assert client.post(_url("reopen", world.debate)).status_code == 302
    assert client.post(_url("archive", world.debate)).status_code == 302
    world.debate.refresh_from_db()
    assert world.debate.is_archived and world.debate.status == DebateStatus.CLOSED
    refused = client.post(_url("reopen", world.debate))
    assert refused.status_code == 409
    assert "archivé" in refused.text


# --- The tree: posting ------------------------------------------------------------------------


def test_pupil_post_waits_under_premoderation_and_shows_as_pending_to_its_author(world):
    author, other = world.pupils[0], world.pupils[1]
    client = page_client_for(author)
    response = client.post(
        _url("argument_post", world.debate), {"position": "pour", "text": "Voter à 16 ans."}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(_url("detail", world.debate))
    page = client.get(response["Location"])
    assert "Ton argument sera visible après validation par ton professeur" in page.text
    assert "Voter à 16 ans." in page.text and "En attente de validation" in page.text
    assert "Voter à 16 ans." not in page_client_for(other).get(_url("detail", world.debate)).text
    argument = Argument.objects.get()
    assert (argument.status, argument.side, argument.author) == (
        ArgumentStatus.PENDING,
        Side.POUR,
        author,
    )
    teacher_page = page_client_for(world.teacher).get(_url("detail", world.debate))
    assert "Voter à 16 ans." in teacher_page.text
    assert "Pré-modération" in teacher_page.text
    assert _arg_url("approve", argument) in teacher_page.text


def test_published_posts_show_pseudonyms_sides_replies_and_comments(open_world):
    world = open_world
    p1, p2, p3 = world.pupils[:3]
    client = page_client_for(p1)
    client.post(_url("argument_post", world.debate), {"position": "pour", "text": "Racine pour"})
    root = Argument.objects.get()
    page_client_for(p2).post(
        _url("argument_post", world.debate),
        {"position": "contre", "text": "Réponse contre", "parent": root.pk},
    )
    page_client_for(p3).post(
        _url("argument_post", world.debate),
        {"position": "comment", "text": "Une question", "parent": root.pk},
    )
    reply, comment = Argument.objects.exclude(pk=root.pk).order_by("pk")
    assert (reply.parent, reply.side, reply.depth) == (root, Side.CONTRE, 2)
    assert (comment.kind, comment.side) == ("comment", "")
    page = page_client_for(world.pupils[3]).get(_url("detail", world.debate))
    for text in ("Racine pour", "Réponse contre", "Une question", "Pseudo-01", "Pseudo-02"):
        assert text in page.text
    assert "2 réponses" in page.text
    assert f'id="reply-{root.pk}-contre"' in page.text
    # A comment is never replied to.
    assert f'id="reply-{comment.pk}-pour"' not in page.text


def test_posted_text_is_sanitized_and_escaped(open_world):
    world = open_world
    page_client_for(world.pupil).post(
        _url("argument_post", world.debate),
        {"position": "pour", "text": "<script>alert(1)</script>Bonjour <b>la classe</b>"},
    )
    assert Argument.objects.get().text == "Bonjour la classe"
    page = page_client_for(world.pupils[1]).get(_url("detail", world.debate))
    assert "Bonjour la classe" in page.text and "alert(1)" not in page.text


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"position": "pour", "text": ""}, 400, "Ton message est vide"),
        ({"position": "", "text": "Sans côté"}, 400, "Choisis ton côté"),
        ({"position": "pour", "text": "Lien https://exemple.fr"}, 400, "liens ne sont pas"),
        ({"position": "pour", "text": "x" * 1001}, 400, "trop long"),
        ({"position": "pour", "text": "Réponse", "parent": "999999"}, 404, "existe pas"),
    ],
)
def test_post_refusals_show_the_message_and_store_nothing(world, data, status, message):
    page = _refused(
        page_client_for(world.pupil),
        _url("argument_post", world.debate),
        data,
        status=status,
        message=message,
    )
    assert 'role="alert"' in page.text


def test_reply_beyond_the_maximum_depth_is_refused(open_world):
    world = open_world
    services.debate_settings_update(debate=world.debate, by=world.teacher, max_depth=1)
    root = published(author=world.pupils[0], debate=world.debate)
    page = page_client_for(world.pupils[1]).get(_url("detail", world.debate))
    assert f'id="reply-{root.pk}-comment"' in page.text
    assert f'id="reply-{root.pk}-pour"' not in page.text
    refused = _refused(
        page_client_for(world.pupils[1]),
        _url("argument_post", world.debate),
        {"position": "pour", "text": "Trop profond", "parent": root.pk},
        status=400,
        message="déjà très détaillée",
    )
    # The text typed is given back in its reply form.
    assert "Trop profond</textarea>" in refused.text


def test_rate_limit_refuses_the_fourth_post_in_a_minute(open_world):
    world = open_world
    client = page_client_for(world.pupil)
    for number in range(3):
        client.post(_url("argument_post", world.debate), {"position": "pour", "text": f"N{number}"})
    _refused(
        client,
        _url("argument_post", world.debate),
        {"position": "pour", "text": "Encore"},
        status=429,
        message="attends",
    )


def test_word_filter_holds_a_post_for_review_with_the_words_shown(open_world):
    world = open_world
    services.debate_settings_update(debate=world.debate, by=world.teacher, extra_words="patate")
    response = page_client_for(world.pupil).post(
        _url("argument_post", world.debate), {"position": "contre", "text": "Quelle patate !"}
    )
    assert "attend la validation" in _messages(response)[0]
    argument = Argument.objects.get()
    assert (argument.status, argument.held_words) == (ArgumentStatus.PENDING, "patate")
    queue = page_client_for(world.teacher).get(_url("moderation", world.debate))
    assert "Retenus par le filtre (1)" in queue.text
    assert french_text("mots trouvés : patate") in queue.text
    assert (
        "Quelle patate !"
        not in page_client_for(world.pupils[1]).get(_url("detail", world.debate)).text
    )


def test_blocked_pupil_reads_but_cannot_post(world):
    client = page_client_for(world.teacher)
    url = reverse(
        "classroom_votes:debate_pupil_block",
        kwargs={"pk": world.debate.pk, "user_pk": world.pupil.pk},
    )
    assert "Bloquer Pseudo-01" in client.get(url).text
    _refused(client, url, {"reason": ""}, status=400, message="Indique la raison")
    assert client.post(url, {"reason": "Moqueries répétées"}).status_code == 302
    again = client.post(url, {"reason": "Encore"})
    assert again.status_code == 409
    page = page_client_for(world.pupil).get(_url("detail", world.debate))
    assert "suspendu tes publications" in page.text
    assert 'name="text"' not in page.text
    _refused(
        page_client_for(world.pupil),
        _url("argument_post", world.debate),
        {"position": "pour", "text": "Je reviens"},
        status=403,
        message="suspendu tes publications",
    )
    moderation = client.get(_url("moderation", world.debate))
    assert "Moqueries répétées" in moderation.text and "Élève bloqué" in moderation.text
    unblock = reverse(
        "classroom_votes:debate_pupil_unblock",
        kwargs={"pk": world.debate.pk, "user_pk": world.pupil.pk},
    )
    assert client.post(unblock, {"reason": ""}).status_code == 302
    assert not PostingBlock.objects.exists()
    assert client.post(unblock, {"reason": ""}).status_code == 409
    outsider = reverse(
        "classroom_votes:debate_pupil_block",
        kwargs={"pk": world.debate.pk, "user_pk": world.outsider.pk},
    )
    assert client.get(outsider).status_code == 404


# --- Convincing, report, withdraw -------------------------------------------------------------


def test_convincing_mark_and_unmark(open_world):
    world = open_world
    argument = published(author=world.pupils[0], debate=world.debate)
    client = page_client_for(world.pupils[1])
    page = client.get(_url("detail", world.debate))
    assert 'aria-pressed="false"' in page.text
    assert client.post(_arg_url("convincing", argument), {"action": "mark"}).status_code == 302
    page = client.get(_url("detail", world.debate))
    assert "Convaincant pour 1 élève" in page.text and 'aria-pressed="true"' in page.text
    _refused(
        client, _arg_url("convincing", argument), {"action": "mark"}, status=409, message="déjà"
    )
    assert client.post(_arg_url("convincing", argument), {"action": "unmark"}).status_code == 302
    assert not ConvincingMark.objects.exists()
    _refused(
        page_client_for(world.pupils[0]),
        _arg_url("convincing", argument),
        {"action": "mark"},
        status=400,
        message="ton propre argument",
    )
    _refused(
        page_client_for(world.teacher),
        _arg_url("convincing", argument),
        {"action": "mark"},
        status=403,
        message="Seuls les élèves",
    )


def test_reports_hide_a_post_automatically_then_the_teacher_decides(open_world):
    world = open_world  # auto_hide_reports=2, below the site's floor of three
    p1, p2, p3, p4 = world.pupils
    argument = published(author=p1, debate=world.debate, text="Message blessant")
    report = _arg_url("report", argument)
    assert french_text("Pourquoi signales-tu ce message ?") in page_client_for(p2).get(report).text
    _refused(page_client_for(p2), report, {"reason": ""}, status=400, message="Choisis un motif")
    _refused(
        page_client_for(p1), report, {"reason": "insult"}, status=400, message="ton propre message"
    )
    first = page_client_for(p2).post(report, {"reason": "insult", "note": "Pas sympa"})
    assert first.status_code == 302
    assert "transmis à ton professeur" in _messages(first)[0]
    _refused(page_client_for(p2), report, {"reason": "other"}, status=409, message="déjà signalé")
    second = page_client_for(p3).post(report, {"reason": "harassment"})
    assert "transmis à ton professeur" in _messages(second)[0]
    # The third report of a pupil of standing reaches the site's floor of three.
    third = page_client_for(p4).post(report, {"reason": "harassment"})
    assert "masqué en attendant" in _messages(third)[0]
    argument.refresh_from_db()
    assert (argument.status, argument.auto_hidden) == (ArgumentStatus.HIDDEN, True)
    assert "Message blessant" not in page_client_for(p4).get(_url("detail", world.debate)).text

    teacher = page_client_for(world.teacher)
    queue = teacher.get(_url("moderation", world.debate))
    assert "Masqués par les signalements (1)" in queue.text
    assert "Insulte ou propos blessant (1)" in queue.text and "Pas sympa" in queue.text
    assert "Harcèlement ou moquerie (2)" in queue.text
    assert "Masqué automatiquement après signalements" in queue.text
    _refused(
        teacher,
        _arg_url("restore", argument),
        {"reason": "", "retour": "moderation"},
        status=400,
        message="Indique la raison",
    )
    restored = teacher.post(
        _arg_url("restore", argument), {"reason": "Malentendu", "retour": "moderation"}
    )
    assert restored.status_code == 302
    assert restored["Location"] == _url("moderation", world.debate)
    assert "Message blessant" in page_client_for(p4).get(_url("detail", world.debate)).text
    hidden = teacher.post(_arg_url("hide", argument), {"reason": "Propos blessant"})
    assert hidden.status_code == 302
    argument.refresh_from_db()
    assert (argument.status, argument.auto_hidden) == (ArgumentStatus.HIDDEN, False)
    log = teacher.get(_url("moderation", world.debate)).text
    for reason in ("Malentendu", "Propos blessant", "3 signalements"):
        assert reason in log
    assert _refused(
        teacher, _arg_url("hide", argument), {"reason": "Encore"}, status=409, message="état"
    )


def test_teacher_dismisses_reports_and_the_post_stays(open_world):
    world = open_world
    argument = published(author=world.pupils[0], debate=world.debate, text="Discutable")
    page_client_for(world.pupils[1]).post(_arg_url("report", argument), {"reason": "off_topic"})
    teacher = page_client_for(world.teacher)
    assert "Signalés, toujours visibles (1)" in teacher.get(_url("moderation", world.debate)).text
    assert teacher.post(_arg_url("reports_dismiss", argument), {"reason": ""}).status_code == 302
    assert not ArgumentReport.objects.filter(resolved_at__isnull=True).exists()
    _refused(teacher, _arg_url("reports_dismiss", argument), {}, status=409, message="état")


def test_teacher_approves_and_rejects_pending_posts(world):
    first = post(author=world.pupils[0], debate=world.debate, text="À valider")
    second = post(author=world.pupils[1], debate=world.debate, text="À refuser")
    teacher = page_client_for(world.teacher)
    queue = teacher.get(_url("moderation", world.debate))
    assert "En attente de validation (2)" in queue.text
    assert "Valider" in teacher.get(_arg_url("approve", first)).text
    done = teacher.post(_arg_url("approve", first), {"retour": "moderation"})
    assert done["Location"] == _url("moderation", world.debate)
    assert teacher.post(_arg_url("reject", second), {"reason": "Hors sujet"}).status_code == 302
    statuses = dict(Argument.objects.values_list("pk", "status"))
    assert statuses == {first.pk: ArgumentStatus.PUBLISHED, second.pk: ArgumentStatus.REJECTED}
    _refused(teacher, _arg_url("approve", first), {}, status=409, message="état")
    other = page_client_for(world.pupils[2]).get(_url("detail", world.debate)).text
    assert "À valider" in other and "À refuser" not in other
    author_page = page_client_for(world.pupils[1]).get(_url("detail", world.debate)).text
    assert "À refuser" in author_page and "Refusé" in author_page


def test_pupils_cannot_moderate_nor_see_others_pending_posts(world):
    pending = post(author=world.pupils[0], debate=world.debate, text="Secret")
    other = page_client_for(world.pupils[1])
    for name in ("approve", "reject", "hide", "restore", "reports_dismiss"):
        _refused(other, _arg_url(name, pending), {"reason": "x"}, status=403, message="")
    assert other.get(_url("moderation", world.debate)).status_code == 403
    assert other.get(_url("summary", world.debate)).status_code == 403
    assert other.get(_arg_url("report", pending)).status_code == 404
    _refused(other, _arg_url("report", pending), {"reason": "insult"}, status=404, message="")
    outsider = page_client_for(world.outsider)
    assert outsider.get(_url("detail", world.debate)).status_code == 404
    _refused(
        outsider,
        _url("argument_post", world.debate),
        {"position": "pour", "text": "Intrus"},
        status=404,
        message="",
    )
    stranger = page_client_for(world.other_teacher)
    assert stranger.get(_url("moderation", world.debate)).status_code == 404


def test_author_withdraws_a_post_without_replies_only(open_world):
    world = open_world
    lonely = published(author=world.pupils[0], debate=world.debate, text="Seul")
    answered = published(author=world.pupils[0], debate=world.debate, text="Répondu")
    published(author=world.pupils[1], debate=world.debate, parent=answered, text="Réponse")
    client = page_client_for(world.pupils[0])
    assert "Retirer mon message" in client.get(_arg_url("withdraw", lonely)).text
    assert client.get(_arg_url("withdraw", answered)).status_code == 302
    assert client.post(_arg_url("withdraw", lonely)).status_code == 302
    lonely.refresh_from_db()
    assert (lonely.status, lonely.text) == (ArgumentStatus.WITHDRAWN, "")
    _refused(client, _arg_url("withdraw", answered), {}, status=409, message="déjà reçu")
    assert client.get(_arg_url("withdraw", lonely)).status_code == 404


# --- Columns, summary, moderation page --------------------------------------------------------


def test_columns_put_pour_and_contre_side_by_side(open_world):
    world = open_world
    pour = published(author=world.pupils[0], debate=world.debate, text="Argument pour")
    published(author=world.pupils[1], debate=world.debate, side=Side.CONTRE, text="Argument contre")
    published(author=world.pupils[2], debate=world.debate, parent=pour, side=Side.CONTRE)
    page = page_client_for(world.pupils[3]).get(_url("columns", world.debate))
    assert page.status_code == 200
    column_pour, column_contre = page.text.split('id="column-contre-title"')
    assert "Argument pour" in column_pour and "Argument contre" in column_contre
    assert french_text("réponses : 0 pour, 1 contre") in column_pour
    assert f"#argument-{pour.pk}" in page.text


def test_summary_counts_published_posts_only(open_world):
    world = open_world
    p1, p2, p3, p4 = world.pupils
    best = published(author=p1, debate=world.debate, text="Le meilleur pour")
    published(author=p2, debate=world.debate, side=Side.CONTRE, text="Un contre")
    services.convincing_mark(argument=best, user=p3)
    services.debate_settings_update(debate=world.debate, by=world.teacher, extra_words="patate")
    post(author=p4, debate=world.debate, text="Une patate en attente")
    page = page_client_for(world.teacher).get(_url("summary", world.debate))
    assert page.status_code == 200
    assert "Le meilleur pour" in page.text and "convaincant pour 1 élève" in page.text
    assert "Une patate en attente" not in page.text
    assert "2 sur 4" in page.text
    assert "Pseudo-04" in page.text  # listed, with nothing published
    assert (
        page_client_for(world.other_teacher).get(_url("summary", world.debate)).status_code == 404
    )


def test_moderation_page_lists_the_log_and_the_pupils_to_block(world):
    first = post(author=world.pupils[0], debate=world.debate, text="Premier")
    services.argument_approve(argument=first, by=world.teacher)
    page = page_client_for(world.teacher).get(_url("moderation", world.debate))
    assert page.status_code == 200
    assert "Journal de modération" in page.text and "Validé" in page.text
    assert "Bloquer Pseudo-02 (2nde 3)" in page.text


# --- Query count ------------------------------------------------------------------------------


def _grow(world, *, size: int) -> None:
    """`size` more published posts in a thread, with marks, reports and a pending post."""
    pupils = world.pupils
    for number in range(size):
        author = pupils[number % len(pupils)]
        parent = Argument.objects.filter(
            debate=world.debate, status=ArgumentStatus.PUBLISHED, kind="argument", depth__lt=3
        ).last()
        argument = Argument.objects.create(
            debate=world.debate,
            parent=parent if number % 2 else None,
            side=Side.CONTRE if number % 3 else Side.POUR,
            author=author,
            author_classroom=world.classroom,
            text=f"Argument {number}",
            status=ArgumentStatus.PUBLISHED,
            depth=1 if not number % 2 or parent is None else parent.depth + 1,
        )
        if number % 4 == 0:
            ConvincingMark.objects.create(argument=argument, user=pupils[(number + 1) % 4])
    Argument.objects.create(
        debate=world.debate,
        side=Side.POUR,
        author=pupils[0],
        author_classroom=world.classroom,
        text="En attente",
        status=ArgumentStatus.PENDING,
        hold_reason="premoderation",
        depth=1,
    )


# Session and user, the debate, then the tree in one query; a pupil adds their profile in the
# debate's classes and whether they are blocked.
TREE_QUERIES = {"pupil": 6, "teacher": 4}


@pytest.mark.parametrize("viewer", ["pupil", "teacher"])
def test_tree_page_query_count_does_not_grow_with_the_debate(
    world, viewer, django_assert_num_queries, settings
):
    user = world.pupil if viewer == "pupil" else world.teacher
    client = page_client_for(user)
    client.get(_url("detail", world.debate))  # with Redis, the session is then read from it
    session_from_cache = settings.SESSION_ENGINE != "django.contrib.sessions.backends.db"
    queries = TREE_QUERIES[viewer] - (1 if session_from_cache else 0)
    for size in (4, 40):
        _grow(world, size=size)
        with django_assert_num_queries(queries):
            page = client.get(_url("detail", world.debate))
        assert page.status_code == 200
        assert f"Argument {size - 1}" in page.text
    assert Argument.objects.count() > 44


def test_other_class_teacher_and_colleague(world):
    colleague = teacher_create()
    world.classroom.teachers.add(colleague)
    assert page_client_for(colleague).get(_url("moderation", world.debate)).status_code == 200
    part_time = teacher_create()
    second = classroom_create(teacher=part_time)
    pupil_create(classroom=second)
    shared = debate_create(owner=world.teacher, classrooms=[world.classroom])
    shared.classrooms.add(second)
    # Teaches one of the classes only: reads, does not moderate.
    assert page_client_for(part_time).get(_url("detail", shared)).status_code == 200
    assert page_client_for(part_time).get(_url("moderation", shared)).status_code == 403


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("classroom_votes:debate_list"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["pupil", "teacher"])
def test_list_page_query_count_does_not_grow_with_the_debates(world, viewer):
    user = world.pupil if viewer == "pupil" else world.teacher
    client = page_client_for(user)
    _list_queries(client)  # with Redis, the session is then read from it
    one = _list_queries(client)
    for number in range(5):
        debate = debate_create(
            owner=world.teacher, classrooms=[world.classroom], thesis=f"Thèse {number}"
        )
        published(author=world.pupil, debate=debate, text=f"Argument {number}")
    assert _list_queries(client) == one
    assert debates_visible_to(user=user).count() == 6
