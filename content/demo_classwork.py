"""The demo class's consultation and debate, so that a first run shows the classroom half too:
an open vote « Faut-il abaisser le droit de vote à 16 ans ? » (pour / contre / blanc) with its
three panels, where most of the class has voted but not the pupil whose credentials are printed,
and a debate on the same question with published arguments on both sides and one post waiting
for the teacher's approval.

Everything goes through the apps' services (secret ballot, pre-moderation, word filter), and is
looked up before it is made: a second run changes nothing. The facts in the panels are checked
against the Constitution (article 3) and the law of 5 July 1974."""

import random

from classroom_votes.consultations import services
from classroom_votes.debates import services as debate_services
from classroom_votes.models import (
    ArgumentKind,
    ArgumentStatus,
    Consultation,
    Debate,
    Participation,
    Side,
    SourcePanel,
)
from classroom_votes.tallies import VotingMethod
from school.models import Classroom, PupilProfile, User

DEMO_QUESTION = "Faut-il abaisser le droit de vote à 16 ans ?"
DEMO_CONTEXT = (
    "En France, on vote à partir de 18 ans, l'âge de la majorité depuis la loi du 5 juillet "
    "1974. L'article 3 de la Constitution dit : « Sont électeurs, dans les conditions déterminées "
    "par la loi, tous les nationaux français majeurs des deux sexes, jouissant de leurs droits "
    "civils et politiques. » D'autres pays européens ont ouvert le vote à 16 ans."
)
DEMO_SOURCES = [
    {
        "panel": SourcePanel.MEDIAS,
        "title": "Légifrance : la Constitution du 4 octobre 1958",
        "url": "https://www.legifrance.gouv.fr/",
        "summary": (
            "Article 3 : le suffrage « est toujours universel, égal et secret » ; sont électeurs "
            "les nationaux français majeurs, dans les conditions fixées par la loi."
        ),
    },
    {
        "panel": SourcePanel.MEDIAS,
        "title": "Parlement européen : les élections européennes",
        "url": "https://www.europarl.europa.eu/",
        "summary": (
            "L'Autriche a abaissé l'âge du vote à 16 ans pour toutes les élections en 2007 ; "
            "l'Allemagne et la Belgique l'ont fait pour les élections européennes de 2024."
        ),
    },
    {
        "panel": SourcePanel.POUR,
        "title": "Prendre l'habitude de voter tôt",
        "summary": (
            "À 16 ans, on vit encore chez ses parents et on est au lycée, où l'on apprend comment "
            "fonctionnent les institutions : un bon moment pour voter la première fois."
        ),
    },
    {
        "panel": SourcePanel.POUR,
        "title": "Les décisions d'aujourd'hui engagent les jeunes",
        "summary": (
            "Climat, retraites, éducation : les jeunes vivront le plus longtemps avec les choix "
            "faits maintenant."
        ),
    },
    {
        "panel": SourcePanel.CONTRE,
        "title": "Le vote va avec la majorité",
        "summary": (
            "À 18 ans, on devient responsable de ses actes devant la loi : le droit de vote "
            "accompagne les autres droits et devoirs de la majorité."
        ),
    },
    {
        "panel": SourcePanel.CONTRE,
        "title": "Le temps de se forger une opinion",
        "summary": (
            "Certains estiment qu'à 16 ans on est plus exposé à l'influence de son entourage et "
            "qu'il vaut mieux d'abord apprendre, puis voter."
        ),
    },
]
# Pupils' choices, in the class's order; the pupil whose credentials are printed has not voted.
DEMO_BALLOTS = ["pour", "contre", "pour", "blanc", "pour", "contre", "pour", "contre"]
DEMO_ARGUMENTS = [
    (Side.POUR, "Au lycée on étudie les institutions : voter à 16 ans serait la suite logique."),
    (Side.CONTRE, "À 16 ans on n'a pas encore toutes les responsabilités d'un adulte."),
    (Side.POUR, "Les jeunes subiront le plus longtemps les décisions prises aujourd'hui."),
]
DEMO_REPLY = (Side.CONTRE, "Mais on peut s'engager autrement avant 18 ans : associations, CVL.")
DEMO_PENDING = (Side.POUR, "En Autriche ça marche depuis 2007, pourquoi pas chez nous ?")


def classwork_ensure(
    *, teacher: User, classroom: Classroom, pupils: list[PupilProfile], created: list[str]
) -> None:
    """`pupils`: the class, the pupil whose credentials are printed first."""
    consultation = _consultation_ensure(teacher, classroom, pupils, created)
    _debate_ensure(teacher, classroom, consultation, pupils, created)


def _consultation_ensure(teacher, classroom, pupils, created) -> Consultation:
    consultation = Consultation.objects.filter(owner=teacher, title=DEMO_QUESTION).first()
    if consultation is None:
        consultation = services.consultation_create(
            owner=teacher,
            classrooms=[classroom],
            title=DEMO_QUESTION,
            context=DEMO_CONTEXT,
            method=VotingMethod.YES_NO,
            options=[],
            sources=DEMO_SOURCES,
        )
        consultation = services.consultation_open(consultation=consultation, by=teacher)
        created.append("consultation")
    voters = pupils[1 : 1 + len(DEMO_BALLOTS)]
    if not Participation.objects.filter(consultation=consultation).exists():
        for pupil, choice in zip(voters, DEMO_BALLOTS, strict=False):
            services.ballot_check_and_cast(
                user=pupil.user, consultation_id=consultation.pk, content={"choice": choice}
            )
        created.append(f"{len(voters)} votes")
    return consultation


def _debate_ensure(teacher, classroom, consultation, pupils, created) -> Debate:
    debate = Debate.objects.filter(owner=teacher, thesis=DEMO_QUESTION).first()
    if debate is not None:
        return debate
    debate = debate_services.debate_create(
        owner=teacher,
        classrooms=[classroom],
        thesis=DEMO_QUESTION,
        context=DEMO_CONTEXT,
        consultation=consultation,
    )
    authors = random.Random(1974).sample(pupils[1:], len(DEMO_ARGUMENTS) + 2)
    posted = []
    for author, (side, text) in zip(authors, DEMO_ARGUMENTS, strict=False):
        posted.append(_post(debate, author.user, side, text, teacher=teacher))
    side, text = DEMO_REPLY
    _post(debate, authors[-2].user, side, text, teacher=teacher, parent=posted[0])
    side, text = DEMO_PENDING
    pending = debate_services.argument_check_and_post(
        author=authors[-1].user, debate=debate, text=text, kind=ArgumentKind.ARGUMENT, side=side
    )
    assert pending.status == ArgumentStatus.PENDING  # noqa: S101 (pre-moderation is the default)
    created.append("débat")
    return debate


def _post(debate, author, side, text, *, teacher, parent=None):
    argument = debate_services.argument_check_and_post(
        author=author,
        debate=debate,
        text=text,
        kind=ArgumentKind.ARGUMENT,
        side=side,
        parent_id=None if parent is None else parent.pk,
    )
    if argument.status == ArgumentStatus.PENDING:
        debate_services.argument_approve(argument=argument, by=teacher)
    return argument
