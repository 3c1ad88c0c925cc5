"""Elections imported through the real importer, from generated files."""

import datetime

from classroom_votes.elections.importing import election_import

from .files import FIRST_ROUND, SECOND_ROUND, csv_bytes, small_table


def election_create(*, first_round: bool = False):
    candidates = FIRST_ROUND if first_round else SECOND_ROUND
    return election_import(
        data=csv_bytes(small_table(candidates), n_candidates=len(candidates)),
        name=f"Élection présidentielle 2022 — {'premier' if first_round else 'second'} tour",
        date=datetime.date(2022, 4, 10 if first_round else 24),
        round_number=1 if first_round else 2,
    ).election
