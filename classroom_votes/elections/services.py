"""A teacher's mock election: a consultation made from a real election's candidates."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from school.models import Classroom

from .. import tallies
from ..consultations.services import consultation_create, consultation_open
from ..models import Consultation, Election, ElectionKind


def election_mock_title(election: Election) -> str:
    """« Élection présidentielle 2022 (second tour) — vote simulé »."""
    name = f"{election.get_kind_display()} {election.date.year}"
    if election.kind != ElectionKind.REFERENDUM:
        round_label = _("premier tour") if election.round_number == 1 else _("second tour")
        name = f"{name} ({round_label})"
    return _("%(election)s — vote simulé") % {"election": name}


def election_mock_context(election: Election) -> str:
    return _(
        "Vote simulé : votez comme si vous étiez électrice ou électeur le %(date)s, parmi les "
        "candidats qui se présentaient vraiment. Après la clôture, les résultats de la classe "
        "seront comparés aux résultats officiels de votre département et de la France "
        "(source : ministère de l'Intérieur)."
    ) % {"date": formats.date_format(election.date, "j F Y")}


def consultation_create_from_election(
    *, owner, election: Election, classrooms: Iterable[Classroom]
) -> Consultation:
    """A mock election in the owner's classes, opened at once: the election's candidates as
    options (« Prénom NOM », keyed as in the results so the comparison can match them), single
    choice, with a second round between the two leaders when there were more than two
    candidates. The panels start empty. Checks (classes the owner manages, a teacher) are
    consultation_create's."""
    candidates = list(election.candidates.all())
    with transaction.atomic():
        consultation = consultation_create(
            owner=owner,
            classrooms=classrooms,
            title=election_mock_title(election),
            context=election_mock_context(election),
            method=tallies.VotingMethod.SINGLE,
            options=[{"key": c.key, "label": c.label} for c in candidates],
            sources=[],
            second_round=len(candidates) > 2,
        )
        consultation.election = election
        consultation.save(update_fields=["election"])
        consultation_open(consultation=consultation, by=owner)
    return consultation
