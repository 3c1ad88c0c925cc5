"""The national side of the demo: the 2022 presidential election's second round (official
results, content/data/elections/) imported for mock elections, and a national question whose
national picture already has figures, so that « Résultats nationaux » shows a map on a laptop.

The other schools of that picture are demo schools (« Lycée de démonstration — … »). Their classes'
closed counts are written as a close hands them to the roll-up (NationalContribution: counters, no
pupil), dated a month back so that they have settled at every level, then released by the
roll-up's own service: the page reads them exactly as it would read real classes'. Idempotent."""

import random
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from classroom_votes.elections.importing import election_import
from classroom_votes.models import (
    Election,
    NationalContribution,
    NationalQuestion,
    NationalQuestionSource,
)
from classroom_votes.national.services import class_zone, national_release
from classroom_votes.tallies import VotingMethod
from school.models import Classroom, Departement, School
from school.models.schools import uai_key

ELECTION_FILE = (
    Path(__file__).resolve().parent
    / "data"
    / "elections"
    / "presidentielle-2022-t2-departements.csv"
)
ELECTION_NAME = "Élection présidentielle 2022 — second tour"
ELECTION_DATE = date(2022, 4, 24)
ELECTION_SOURCE = (
    "https://www.data.gouv.fr/fr/datasets/"
    "election-presidentielle-des-10-et-24-avril-2022-resultats-definitifs-du-2nd-tour/"
)
ELECTION_LICENCE = "Licence Ouverte / Open Licence 2.0 — ministère de l'Intérieur"

NATIONAL_TITLE = "Faut-il rendre le vote obligatoire en France ?"
NATIONAL_CONTEXT = (
    "En Belgique, au Luxembourg ou en Australie, voter est une obligation. En France, voter est un "
    "droit, et l'abstention progresse. Faut-il faire du vote une obligation, avec une amende pour "
    "qui ne vote pas ?"
)
NATIONAL_SOURCES = [
    {
        "panel": "medias",
        "title": "Le vote obligatoire, une idée qui revient",
        "url": "https://www.vie-publique.fr/",
        "summary": "Des propositions de loi ont été déposées à plusieurs reprises.",
    },
    {
        "panel": "pour",
        "title": "Tout le monde a son mot à dire",
        "summary": "Les élus représenteraient mieux l'ensemble des citoyens.",
    },
    {
        "panel": "contre",
        "title": "Ne pas voter est aussi un choix",
        "summary": "Obliger à voter pourrait multiplier les bulletins blancs ou nuls.",
    },
]
# Schools per département with demo classes, and the share of « pour » drawn around each
# département's own leaning, so that the map has something to show.
DEMO_DEPARTEMENTS = ("13", "33", "35", "59", "67", "69", "75", "92", "971", "974", "987")
CLASSES_PER_SCHOOL = 2
SCHOOLS_PER_DEPARTEMENT = 2
DEMO_ABROAD = ("ES", "MA")
UAI_BASE = 9_000_000  # demo UAIs: 9000000 and up


def national_demo_ensure(*, created: list[str]) -> None:
    _election_ensure(created)
    _national_question_ensure(created)


def _election_ensure(created: list[str]) -> None:
    if Election.objects.filter(name=ELECTION_NAME).exists():
        return
    election_import(
        data=ELECTION_FILE.read_bytes(),
        name=ELECTION_NAME,
        date=ELECTION_DATE,
        round_number=2,
        source_url=ELECTION_SOURCE,
        licence=ELECTION_LICENCE,
    )
    created.append(_("élection présidentielle 2022 (second tour)"))


def _national_question_ensure(created: list[str]) -> None:
    question = NationalQuestion.objects.filter(title=NATIONAL_TITLE).first()
    if question is None:
        question = NationalQuestion(
            title=NATIONAL_TITLE,
            context=NATIONAL_CONTEXT,
            method=VotingMethod.YES_NO,
            live=True,
        )
        question.sources = [
            NationalQuestionSource(sort_order=n, **source)
            for n, source in enumerate(NATIONAL_SOURCES)
        ]
        question.save()
        created.append(_("question nationale"))
    if NationalContribution.objects.filter(question=question).exists():
        return
    rng = random.Random(2026)
    closed_at = timezone.now() - timedelta(days=30)
    schools = _demo_schools()
    for school in schools:
        leaning = rng.uniform(0.3, 0.7)
        for _n in range(CLASSES_PER_SCHOOL):
            ballots = rng.randint(18, 30)
            pour = sum(1 for _b in range(ballots) if rng.random() < leaning)
            blanc = rng.randint(0, 2) if ballots - pour > 2 else 0
            NationalContribution.objects.create(
                question=question,
                school=school,
                ballots=ballots,
                counts={"pour": pour, "contre": ballots - pour - blanc, "blanc": blanc},
                closed_at=closed_at,
                **class_zone(Classroom(school=school)),
            )
    national_release(question=question, now=timezone.now())
    created.append(
        _("%(count)s classes de démonstration dans le paysage national")
        % {"count": len(schools) * CLASSES_PER_SCHOOL}
    )


def _demo_schools() -> list[School]:
    places = [(code, "") for code in DEMO_DEPARTEMENTS for _n in range(SCHOOLS_PER_DEPARTEMENT)]
    places += [("", country) for country in DEMO_ABROAD for _n in range(SCHOOLS_PER_DEPARTEMENT)]
    departements = Departement.objects.in_bulk([code for code, _c in places if code])
    schools = []
    for number, (code, country) in enumerate(places):
        digits = f"{UAI_BASE + number:07d}"
        departement = departements.get(code)
        if code and departement is None:
            continue  # a territory this database does not know
        name = departement.name if departement else country
        school, _created = School.objects.get_or_create(
            uai=digits + uai_key(digits),
            defaults={
                "name": f"Lycée de démonstration — {name} {number % SCHOOLS_PER_DEPARTEMENT + 1}",
                "commune": name,
                "departement": departement,
                "country": country,
            },
        )
        schools.append(school)
    return schools
