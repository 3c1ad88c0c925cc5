"""Recompute the national picture from the classes' closed counts, and say where it differed."""

from django.core.management.base import BaseCommand, CommandError

from classroom_votes.models import NationalQuestion
from classroom_votes.national.services import national_recompute


class Command(BaseCommand):
    help = (
        "Recompute every territory's figures of the national questions from the classes' closed "
        "counts (all questions, or --question). Exits with an error with --check when a figure "
        "differed from what the incremental roll-up had stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--question", type=int, help="Only this national question (its id).")
        parser.add_argument(
            "--check", action="store_true", help="Fail if any figure had to be corrected."
        )

    def handle(self, *args, question=None, check=False, **options):
        questions = NationalQuestion.objects.order_by("pk")
        if question is not None:
            questions = questions.filter(pk=question)
            if not questions.exists():
                raise CommandError(f"No national question {question}.")
        differed = 0
        for question_id in questions.values_list("pk", flat=True):
            report = national_recompute(question_id=question_id)
            differed += len(report.differences)
            self.stdout.write(
                f"question {question_id}: {report.classes} classes, "
                f"{report.territories} territories, {len(report.differences)} differences"
            )
            for line in report.differences:
                self.stdout.write(f"  {line}")
        if check and differed:
            raise CommandError(f"{differed} figures differed from the incremental roll-up.")
