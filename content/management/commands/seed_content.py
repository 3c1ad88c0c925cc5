from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from content.final_tests import final_tests_seed, load_final_tests
from content.loader import SeedFormatError, load_courses, load_glossary
from content.seeding import content_seed
from content.teacher_pages import load_teacher_guides, teacher_guides_seed


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
            # Final tests and teacher's guides (seed format v2): read and checked before
            # anything is written, loaded after the courses and lessons they belong to.
            final_tests = load_final_tests()
            guides = load_teacher_guides(courses)
        except SeedFormatError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            report = content_seed(courses=courses, force=force, glossary=glossary)
            final_tests_seed(final_tests=final_tests, report=report, force=force)
            teacher_guides_seed(guides=guides, report=report)
        self.stdout.write(
            f"Contenus : {len(report.created)} créés, {len(report.updated)} mis à jour, "
            f"{len(report.unchanged)} inchangés, {len(report.kept_edited)} conservés "
            "(modifiés par un éditeur)."
        )
        for source in report.kept_edited:
            self.stdout.write(
                self.style.WARNING(f"  conservé : {source} (utilisez --force pour l'écraser)")
            )
