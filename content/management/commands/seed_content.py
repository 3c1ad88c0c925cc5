from django.core.management.base import BaseCommand, CommandError

from content.loader import SeedFormatError, load_courses, load_glossary
from content.seeding import content_seed


class Command(BaseCommand):
    help = (
        "Crée ou met à jour les pages des cours à partir de content/data/. Idempotent : une page "
        "modifiée par un éditeur n'est pas écrasée sans --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Écraser aussi les pages modifiées depuis le dernier chargement.",
        )

    def handle(self, *args, force=False, **options):
        try:
            glossary = load_glossary()
            courses = load_courses()
            report = content_seed(courses=courses, force=force, glossary=glossary)
        except SeedFormatError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Contenus : {len(report.created)} créés, {len(report.updated)} mis à jour, "
            f"{len(report.unchanged)} inchangés, {len(report.kept_edited)} conservés "
            "(modifiés par un éditeur)."
        )
        for source in report.kept_edited:
            self.stdout.write(
                self.style.WARNING(f"  conservé : {source} (utilisez --force pour l'écraser)")
            )
