from django.core.management.base import BaseCommand

from config.catalogue import CATALOGUE_PO, catalogue_update


class Command(BaseCommand):
    help = (
        "Updates the French catalogue (locale/fr) from the code and templates: new messages "
        "get msgstr = msgid, old ones are dropped, edited msgstrs are kept. Then `make messages`."
    )

    def handle(self, *args, **options):
        added, removed = catalogue_update()
        self.stdout.write(f"{CATALOGUE_PO.name}: {added} added, {removed} removed")
