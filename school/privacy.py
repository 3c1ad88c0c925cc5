"""A pupil's personal data, gathered from every app that holds some.

`school` may not import the other apps, so each app registers an exporter from its
AppConfig.ready(); the export is the union of them all. Erasure needs no registry: every table
that holds a pupil's data points at the user with on_delete=CASCADE, which
tests/school/test_erasure.py checks table by table."""

from collections.abc import Callable

_exporters: dict[str, Callable] = {}


def exporter_register(name: str, exporter: Callable) -> None:
    """exporter(user) -> JSON-serialisable data about that user."""
    _exporters[name] = exporter


def pupil_data_export(*, user) -> dict:
    profile = user.pupil_profile
    data = {
        "compte": {
            "pseudonyme": profile.pseudonym if profile else None,
            "classe": str(profile.classroom) if profile else None,
            "etablissement": profile.classroom.school.name if profile else None,
            "cree_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for name, exporter in sorted(_exporters.items()):
        data[name] = exporter(user)
    return data
