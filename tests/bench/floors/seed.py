"""Seed the bare floor: one StreamField page as the site's root, with the blocks given as JSON
on standard input ([["heading" | "paragraph", value], …]), and the counters of the votes."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.floors.settings")
django.setup()

from wagtail.models import Page, Site  # noqa: E402

from tests.bench.floors.models import BarePage, BareTally  # noqa: E402

CONSULTATIONS = 20


def main():
    body = json.load(sys.stdin)
    root = Page.get_first_root_node()
    page = BarePage(title="La Constitution de 1958", slug="lecon", body=body)
    root.add_child(instance=page)
    page.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=page, is_default_site=True)
    BareTally.objects.bulk_create(
        BareTally(consultation_id=n, key=key)
        for n in range(1, CONSULTATIONS + 1)
        for key in ("pour", "contre", "blanc")
    )


if __name__ == "__main__":
    main()
