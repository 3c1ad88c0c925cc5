"""What each viewer sees of a debate: the tree (in a fixed number of queries), the two
columns, the teacher's summary on a known data set, and the lists."""

import pytest

from classroom_votes.debates import services
from classroom_votes.debates.selectors import (
    debate_columns,
    debate_summary,
    debate_tree,
    debates_visible_to,
)
from classroom_votes.models import Argument, ArgumentKind, ArgumentStatus, Side
from tests.school.factories import admin_create, editor_create, teacher_create

from ..debate_factories import debate_create, debate_world, post, published

pytestmark = pytest.mark.django_db


def _ids(nodes) -> list[int]:
    return [node.id for node in nodes]


def _zero() -> dict[str, int]:
    return dict.fromkeys(ArgumentStatus.values, 0)


# --- Visibility -------------------------------------------------------------------------------


@pytest.fixture
def moderated():
    """A published thread with one reply hidden after being answered, one pending post, one
    refused, one withdrawn."""
    world = debate_world(pupils=5)
    p1, p2, p3, p4, p5 = world.pupils
    top = published(author=p1, debate=world.debate, text="Argument publié")
    hidden = published(author=p2, debate=world.debate, parent=top, side=Side.CONTRE, text="Masqué")
    answer = published(author=p3, debate=world.debate, parent=hidden, text="Réponse au masqué")
    services.argument_hide(argument=hidden, by=world.teacher, reason="Moquerie.")
    pending = post(author=p4, debate=world.debate, text="En attente")
    refused = post(author=p5, debate=world.debate, side=Side.CONTRE, text="Refusé")
    services.argument_reject(argument=refused, by=world.teacher)
    withdrawn = post(author=p1, debate=world.debate, text="Retiré")
    services.argument_withdraw(argument=withdrawn, by=p1)
    services.argument_report(argument=top, reporter=p2, reason="off_topic")
    return world, {
        "top": top,
        "hidden": hidden,
        "answer": answer,
        "pending": pending,
        "refused": refused,
        "withdrawn": withdrawn,
    }


def test_pupil_sees_published_posts_and_their_own(moderated):
    world, posts = moderated
    tree = debate_tree(debate=world.debate, viewer=world.pupils[3])  # author of "pending"
    assert not tree.moderator
    assert _ids(tree.walk()) == [
        posts["top"].pk,
        posts["hidden"].pk,
        posts["answer"].pk,
        posts["pending"].pk,
    ]
    placeholder = tree.nodes[posts["hidden"].pk]
    assert placeholder.placeholder
    assert (placeholder.text, placeholder.author, placeholder.convincing) == ("", "", 0)
    mine = tree.nodes[posts["pending"].pk]
    assert mine.mine and mine.status == ArgumentStatus.PENDING and mine.text == "En attente"
    top = tree.nodes[posts["top"].pk]
    assert (top.author, top.open_reports, top.hold_reason) == ("Pseudo-01", 0, "")


def test_pupil_sees_their_own_refused_post_not_others(moderated):
    world, posts = moderated
    tree = debate_tree(debate=world.debate, viewer=world.pupils[4])  # author of "refused"
    assert tree.nodes[posts["refused"].pk].status == ArgumentStatus.REJECTED
    assert posts["pending"].pk not in tree.nodes
    assert posts["withdrawn"].pk not in tree.nodes


def test_the_author_of_a_hidden_post_sees_it_with_its_state(moderated):
    world, posts = moderated
    node = debate_tree(debate=world.debate, viewer=world.pupils[1]).nodes[posts["hidden"].pk]
    assert not node.placeholder and node.status == ArgumentStatus.HIDDEN and node.text == "Masqué"


def test_a_hidden_leaf_disappears_for_the_class(moderated):
    world, posts = moderated
    services.argument_hide(argument=posts["answer"], by=world.teacher, reason="Hors sujet.")
    tree = debate_tree(debate=world.debate, viewer=world.pupils[0])  # author of "top" only
    assert _ids(tree.walk()) == [posts["top"].pk]


def test_teacher_sees_every_state_with_reports(moderated):
    world, posts = moderated
    tree = debate_tree(debate=world.debate, viewer=world.teacher)
    assert tree.moderator
    assert {node.id: node.status for node in tree.walk()} == {
        posts["top"].pk: ArgumentStatus.PUBLISHED,
        posts["hidden"].pk: ArgumentStatus.HIDDEN,
        posts["answer"].pk: ArgumentStatus.PUBLISHED,
        posts["pending"].pk: ArgumentStatus.PENDING,
        posts["refused"].pk: ArgumentStatus.REJECTED,
    }
    assert not any(node.placeholder for node in tree.walk())
    assert tree.nodes[posts["top"].pk].open_reports == 1
    assert tree.nodes[posts["pending"].pk].hold_reason == "premoderation"


def test_teacher_names_never_show_their_login(moderated):
    world, _posts = moderated
    comment = published(author=world.teacher, debate=world.debate, kind=ArgumentKind.COMMENT)
    node = debate_tree(debate=world.debate, viewer=world.pupil).nodes[comment.pk]
    assert node.by_teacher and node.author == "Enseignant ou enseignante"
    world.teacher.first_name, world.teacher.last_name = "Marie", "Curie"
    world.teacher.save()
    node = debate_tree(debate=world.debate, viewer=world.pupil).nodes[comment.pk]
    assert node.author == "Marie Curie"


# --- Query count ------------------------------------------------------------------------------


def _grow(world, *, size: int) -> None:
    """`size` more published posts, spread over depths, sides and authors, with marks."""
    authors = world.pupils
    parents = list(Argument.objects.filter(debate=world.debate, status="published"))
    for number in range(size):
        parent = parents[number // 2] if parents and number % 3 else None
        argument = services.argument_check_and_post(
            author=world.teacher,
            debate=world.debate,
            text=f"Argument {number}",
            side=Side.POUR if number % 2 else Side.CONTRE,
            parent_id=parent.pk if parent and parent.depth < world.debate.max_depth else None,
        )
        services.convincing_mark(argument=argument, user=authors[number % len(authors)])
        parents.append(argument)


@pytest.mark.parametrize("viewer", ["pupil", "teacher"])
def test_tree_query_count_does_not_grow_with_the_debate(
    moderated, viewer, django_assert_num_queries
):
    world, _posts = moderated
    user = world.pupils[0] if viewer == "pupil" else world.teacher
    counts = []
    for size in (5, 40):
        _grow(world, size=size)
        total = Argument.objects.filter(debate=world.debate).count()
        # The posts; for a pupil, their profile and posting block too (what they may do).
        with django_assert_num_queries(3 if viewer == "pupil" else 1) as captured:
            tree = debate_tree(debate=world.debate, viewer=user)
            columns = debate_columns(tree=tree)
            # Everything a page shows is in the nodes already: no lazy relation left.
            shown = [(node.text, node.author, node.convincing, node.marked) for node in tree.walk()]
        counts.append((total, len(captured.captured_queries)))
        # All but the withdrawn post; pupils miss the pending and refused ones of others.
        assert len(shown) == total - (3 if viewer == "pupil" else 1)
        assert len(columns.pour) + len(columns.contre) == len(
            [node for node in tree.roots if node.kind == ArgumentKind.ARGUMENT]
        )
    assert counts[1][0] > 40 and counts[0][1] == counts[1][1]


def test_tree_query_count_for_a_colleague_teacher_is_fixed(moderated, django_assert_num_queries):
    """A teacher of every class who is not the owner: the role check costs two queries."""
    world, _posts = moderated
    colleague = teacher_create()
    world.classroom.teachers.add(colleague)
    for size in (3, 20):
        _grow(world, size=size)
        with django_assert_num_queries(3):
            tree = debate_tree(debate=world.debate, viewer=colleague)
        assert tree.moderator


# --- Columns ----------------------------------------------------------------------------------


def test_columns_put_the_most_convincing_first_with_their_replies():
    world = debate_world(pupils=5, premoderation=False)
    p1, p2, p3, p4, p5 = world.pupils
    first = post(author=p1, debate=world.debate, text="Premier pour")
    second = post(author=p2, debate=world.debate, text="Second pour")
    against = post(author=p3, debate=world.debate, side=Side.CONTRE, text="Contre")
    post(author=p4, debate=world.debate, parent=second, side=Side.CONTRE)
    post(author=p5, debate=world.debate, parent=second, side=Side.POUR)
    post(author=p5, debate=world.debate, parent=second, kind=ArgumentKind.COMMENT)
    thesis_comment = post(author=p4, debate=world.debate, kind=ArgumentKind.COMMENT)
    for user in (p3, p4):
        services.convincing_mark(argument=second, user=user)
    services.convincing_mark(argument=first, user=p5)
    columns = debate_columns(tree=debate_tree(debate=world.debate, viewer=p1))
    assert [entry.node.id for entry in columns.pour] == [second.pk, first.pk]
    assert [entry.node.id for entry in columns.contre] == [against.pk]
    entry = columns.pour[0]
    assert (entry.node.convincing, entry.replies_pour, entry.replies_contre, entry.comments) == (
        2,
        1,
        1,
        1,
    )
    assert _ids(columns.comments) == [thesis_comment.pk]
    tree = debate_tree(debate=world.debate, viewer=p3)
    assert tree.nodes[second.pk].marked and not tree.nodes[first.pk].marked


# --- The teacher's summary on a known data set ------------------------------------------------


@pytest.fixture
def known():
    """Five pupils. Pseudo-01..04 post; Pseudo-05 only marks. See each line for the state."""
    world = debate_world(pupils=5)
    p1, p2, p3, p4, p5 = world.pupils
    d = world.debate
    a1 = published(author=p1, debate=d, side=Side.POUR, text="A1")  # 3 marks
    a2 = published(author=p2, debate=d, side=Side.CONTRE, text="A2")  # 1 mark
    a3 = published(author=p3, debate=d, side=Side.POUR, text="A3")  # 2 marks, 1 report
    published(author=p1, debate=d, side=Side.CONTRE, parent=a2, text="A4")  # 0 mark
    post(author=p2, debate=d, side=Side.POUR, text="A5")  # pending
    a6 = post(author=p3, debate=d, side=Side.CONTRE, text="A6")
    services.argument_reject(argument=a6, by=world.teacher)
    a7 = published(author=p4, debate=d, side=Side.POUR, parent=a1, text="A7")
    services.argument_hide(argument=a7, by=world.teacher, reason="Moquerie.")
    a8 = post(author=p1, debate=d, side=Side.CONTRE, text="A8")
    services.argument_withdraw(argument=a8, by=p1)
    published(author=p4, debate=d, kind=ArgumentKind.COMMENT, parent=a1, text="C1")
    published(author=world.teacher, debate=d, kind=ArgumentKind.COMMENT, text="T1")
    for argument, markers in ((a1, (p2, p3, p5)), (a2, (p1,)), (a3, (p2, p5))):
        for user in markers:
            services.convincing_mark(argument=argument, user=user)
    services.argument_report(argument=a3, reporter=p5, reason="off_topic")
    return world, {"a1": a1, "a2": a2, "a3": a3}


def test_summary_numbers_on_a_known_data_set(known, django_assert_num_queries):
    world, posts = known
    with django_assert_num_queries(4):
        summary = debate_summary(debate=world.debate)
    assert summary.counts == {
        "pour": {**_zero(), "published": 2, "pending": 1, "hidden": 1},
        "contre": {**_zero(), "published": 2, "rejected": 1, "withdrawn": 1},
        "comment": {**_zero(), "published": 2},
    }
    assert summary.total() == 6
    assert summary.total(ArgumentStatus.PENDING) == 1
    assert [(top.id, top.convincing, top.author) for top in summary.top["pour"]] == [
        (posts["a1"].pk, 3, "Pseudo-01"),
        (posts["a3"].pk, 2, "Pseudo-03"),
    ]
    assert [(top.id, top.convincing) for top in summary.top["contre"]] == [(posts["a2"].pk, 1)]
    rows = [
        (row.pseudonym, row.classroom, row.pour, row.contre, row.comments, row.convincing_received)
        for row in summary.participation
    ]
    assert rows == [
        ("Pseudo-01", "2nde 3", 1, 1, 0, 3),
        ("Pseudo-02", "2nde 3", 0, 1, 0, 1),  # A5 pending: not counted
        ("Pseudo-03", "2nde 3", 1, 0, 0, 2),  # A6 refused: not counted
        ("Pseudo-04", "2nde 3", 0, 0, 1, 0),  # A7 hidden: not counted
        ("Pseudo-05", "2nde 3", 0, 0, 0, 0),  # marked and reported: private
    ]
    assert (summary.pupils, summary.pupils_who_posted) == (5, 4)
    assert summary.open_reports == 1


def test_summary_counts_a_moved_pupil_and_an_erased_one(known):
    from school.services import pupil_move, pupils_erase
    from tests.school.factories import classroom_create

    world, posts = known
    p1, p2 = world.pupils[0], world.pupils[1]
    elsewhere = classroom_create(teacher=world.teacher, school=world.classroom.school, name="1re C")
    pupil_move(pupil=world.profile(p1), classroom=elsewhere)
    pupils_erase(user_ids={p2.pk})
    summary = debate_summary(debate=world.debate)
    by_name = {row.pseudonym: row for row in summary.participation}
    assert "Pseudo-02" not in by_name
    # Their posts are emptied (withdrawn), their marks on others' still count.
    assert summary.counts["contre"] == {
        **_zero(),
        "published": 1,
        "rejected": 1,
        "withdrawn": 2,
    }
    assert summary.counts["pour"] == {**_zero(), "published": 2, "hidden": 1, "withdrawn": 1}
    assert [(top.id, top.convincing) for top in summary.top["pour"]] == [
        (posts["a1"].pk, 3),
        (posts["a3"].pk, 2),
    ]
    assert summary.top["contre"] == []
    # Moved away: still listed for what they published here, under the class they posted from.
    assert (by_name["Pseudo-01"].classroom, by_name["Pseudo-01"].posts) == ("2nde 3", 2)
    assert by_name["Pseudo-01"].convincing_received == 3
    assert summary.pupils == 4


# --- Lists ------------------------------------------------------------------------------------


def test_debates_visible_to_each_role(known):
    world, _posts = known
    other = debate_create(owner=world.other_teacher, classrooms=[world.other_classroom])
    archived = debate_create(owner=world.teacher, classrooms=[world.classroom])
    services.debate_archive(debate=archived, by=world.teacher)
    assert list(debates_visible_to(user=world.pupil)) == [world.debate]
    assert list(debates_visible_to(user=world.teacher)) == [world.debate]
    assert set(debates_visible_to(user=world.teacher, include_archived=True)) == {
        world.debate,
        archived,
    }
    assert list(debates_visible_to(user=world.outsider)) == [other]
    assert set(debates_visible_to(user=admin_create())) == {world.debate, other}
    assert not debates_visible_to(user=editor_create()).exists()
