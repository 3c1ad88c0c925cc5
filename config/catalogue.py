"""The French catalogue (locale/fr/LC_MESSAGES/django.po), read and updated in pure Python.

The msgids are already French, so each msgstr repeats its msgid: the catalogue is there for
French plurals (without it Django falls back to the English rule, and 0 takes the plural) and
for translators' typographic fixes, which an update keeps. Messages are found as makemessages
finds them (templates through Django's own templatize), but with Babel: no GNU gettext needed."""

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

CATALOGUE_PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ("config", "school", "courses", "classroom_votes", "content")
# Django's translation functions, as makemessages hands them to xgettext.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
OVERRIDE_MARK = "Wagtail's message, worded for Hémicycle"
HEADER = (
    "# Hémicycle's French catalogue. The msgids are already French: each msgstr repeats its\n"
    "# msgid, and the catalogue gives French plurals their rule (0 and 1 take the singular).\n"
    "# Updated by `manage.py catalogue_update`, compiled by the build (make messages)."
)


def _source_files():
    base = Path(settings.BASE_DIR)
    for folder in SOURCE_DIRS:
        for path in sorted((base / folder).rglob("*")):
            wanted = path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts
            if wanted and path.is_file():
                yield path


def code_messages() -> Catalog:
    """Every message the project's code and templates translate (msgstr left empty)."""
    catalog = Catalog(locale="fr")
    for path in _source_files():
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            if "{% load i18n" not in source:
                continue
            # xgettext reads templatize's output line by line; Python's tokenizer wants no indent.
            lines = templatize(source, origin=str(path)).splitlines()
            source = "\n".join(line.lstrip() for line in lines)
        found = extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS)
        for _lineno, message, _comments, context in found:
            if catalog.get(message if isinstance(message, str) else message[0], context):
                continue
            catalog.add(message, context=context)
    return catalog


def catalogue_read(path: Path = CATALOGUE_PO) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale="fr")


def catalogue_update(path: Path = CATALOGUE_PO) -> tuple[int, int]:
    """Adds the code's new messages to the catalogue (msgstr = msgid) and drops those no
    longer used but the overrides of Wagtail's (OVERRIDE_MARK); msgstrs already there are kept.
    Returns (added, removed)."""
    catalog = catalogue_read(path) if path.exists() else Catalog(locale="fr")
    known = {(message.id, message.context) for message in catalog if message.id}
    template = code_messages()
    wanted = {(message.id, message.context) for message in template if message.id}
    # Wagtail's own messages that the project words differently: kept, though not in the code.
    overrides = [message for message in catalog if OVERRIDE_MARK in message.user_comments]
    catalog.update(template, no_fuzzy_matching=True)
    for message in overrides:
        if catalog.get(message.id, message.context) is None:
            catalog[message.id] = message
    for message in catalog:
        if message.id and not any(message.string if message.pluralizable else [message.string]):
            message.string = tuple(message.id) if message.pluralizable else message.id
        message.flags.discard("fuzzy")
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.project, catalog.version = "Hémicycle", "1"
    catalog.copyright_holder = catalog.last_translator = "Hémicycle"
    catalog.language_team = "French"
    catalog.header_comment = HEADER
    buffer = io.BytesIO()
    write_po(buffer, catalog, no_location=True, width=100, sort_output=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    kept = {(message.id, message.context) for message in overrides}
    return len(wanted - known), len(known - wanted - kept)
