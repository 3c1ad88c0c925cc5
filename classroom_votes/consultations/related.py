"""Pages of other components tied to a consultation (a debate that prepares or follows the
vote), linked from the consultation's pages. Consultations never import debates (debates may
use consultations, never the reverse), so the debates register what they offer from the app's
ready(), as the apps register their part of a pupil's data export with school.privacy."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedLink:
    label: str
    url: str
    is_open: bool  # still open to contributions


_providers: dict[str, Callable] = {}


def related_register(name: str, provider: Callable) -> None:
    """provider(user=..., consultation=...) -> the RelatedLinks `user` may follow, in one
    query."""
    _providers[name] = provider


def related_links(*, user, consultation) -> list[RelatedLink]:
    return [
        link
        for _name, provider in sorted(_providers.items())
        for link in provider(user=user, consultation=consultation)
    ]
