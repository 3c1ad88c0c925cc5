import datetime

from django.core.management.base import BaseCommand, CommandError

from classroom_votes.elections.importing import DEFAULT_LICENCE, election_import_from_source
from classroom_votes.elections.parsing import ElectionFileError
from classroom_votes.models import ElectionKind


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide : {value!r} (attendu AAAA-MM-JJ).") from error


class Command(BaseCommand):
    help = (
        "Importe les résultats officiels d'une élection par département (fichier xlsx ou CSV du "
        "ministère de l'Intérieur, chemin local ou adresse https://). Tout ou rien ; réimporter "
        "le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Chemin du fichier ou adresse https://.")
        parser.add_argument("--name", required=True, help="Nom de l'élection.")
        parser.add_argument("--date", required=True, type=_date, help="Date du scrutin.")
        parser.add_argument("--round", dest="round_number", type=int, default=1, choices=[1, 2])
        parser.add_argument(
            "--kind", choices=ElectionKind.values, default=ElectionKind.PRESIDENTIELLE
        )
        parser.add_argument("--source-url", default="", help="Page de la source (data.gouv.fr).")
        parser.add_argument("--licence", default=DEFAULT_LICENCE)

    def handle(self, *args, source, name, date, round_number, kind, source_url, licence, **kw):
        try:
            outcome = election_import_from_source(
                source=source,
                name=name,
                date=date,
                round_number=round_number,
                kind=kind,
                source_url=source_url,
                licence=licence,
            )
        except ElectionFileError as error:
            raise CommandError(str(error)) from error
        if not outcome.changed:
            self.stdout.write(f"{outcome.election} : déjà importée, rien n'a changé.")
        else:
            verb = "importée" if outcome.created else "mise à jour"
            self.stdout.write(
                self.style.SUCCESS(f"{outcome.election} : {verb} ({outcome.rows} territoires).")
            )
