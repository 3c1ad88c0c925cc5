"""Rebuild the map of France's data file from the npm package (see national.francemap)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from classroom_votes.national.francemap import PACKAGE, map_data_write


class Command(BaseCommand):
    help = (
        f"Convert {PACKAGE} (installed by npm) into classroom_votes/data/"
        "france_departements_map.json, with its source and licence."
    )

    def handle(self, *args, **options):
        package_dir = Path(settings.NODE_MODULES_DIR) / PACKAGE
        if not (package_dir / "index.js").exists():
            raise CommandError(f"{package_dir} is missing: run npm ci first.")
        count = map_data_write(package_dir=package_dir)
        self.stdout.write(f"{count} départements written.")
