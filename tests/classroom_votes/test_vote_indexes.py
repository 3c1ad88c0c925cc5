"""Each vote writes as few index entries as its guarantees need (issue 24): the consultation's
foreign keys on the liste d'émargement and on the counters have no index of their own, since
the unique constraints that start with the consultation serve every look-up by it."""

import pytest
from django.db import connection

from classroom_votes.models import Participation, Tally

pytestmark = pytest.mark.django_db


def _indexes(model) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]


@pytest.mark.parametrize(
    ("model", "unique"),
    [
        (Participation, ["consultation_id", "user_id"]),
        (Tally, ["consultation_id", "classroom_id", "key"]),
    ],
)
def test_the_consultation_is_indexed_once_by_its_unique_constraint(model, unique):
    indexes = _indexes(model)
    assert unique in indexes
    assert ["consultation_id"] not in indexes, indexes
