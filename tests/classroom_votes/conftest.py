import pytest

from .factories import invariants_assert


@pytest.fixture(autouse=True)
def _invariant(request):
    """After every database test of the app: participations = ballots = sum of tallies."""
    yield
    if request.node.get_closest_marker("django_db"):
        invariants_assert()
