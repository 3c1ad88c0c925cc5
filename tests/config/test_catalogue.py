"""The French catalogue: complete, compiled, and giving French plurals their rule (0 and 1 take
the singular; without it Django applies the English rule and writes « 0 élèves »)."""

from babel.messages.mofile import read_mo
from babel.messages.pofile import write_po
from django.template import Context, Template
from django.utils import translation

from config.catalogue import CATALOGUE_PO, catalogue_read, catalogue_update, code_messages

NOT_COMPILED = "the French catalogue is not compiled, or is stale: run `make messages`"


def _strings(message):
    return tuple(message.string) if message.pluralizable else message.string


def _key(message):
    return (message.id if isinstance(message.id, str) else message.id[0], message.context)


def test_catalogue_holds_every_message_of_the_code():
    catalogue = {_key(message): message for message in catalogue_read() if message.id}
    missing, unpluralised = [], []
    for message in code_messages():
        if not message.id:
            continue
        found = catalogue.get(_key(message))
        if found is None:
            missing.append(_key(message)[0])
        elif message.pluralizable and found.id != message.id:
            unpluralised.append(_key(message)[0])
    assert not missing and not unpluralised, (
        f"run `manage.py catalogue_update`: missing {missing}, plural differs {unpluralised}"
    )


def test_catalogue_msgstrs_are_filled_with_french_plural_forms():
    catalogue = catalogue_read()
    assert catalogue.plural_forms == "nplurals=2; plural=(n > 1);"
    empty = [
        message.id
        for message in catalogue
        if message.id and not all(message.string if message.pluralizable else [message.string])
    ]
    assert not empty, f"msgstr left empty: {empty[:5]}"
    plurals = [message for message in catalogue if message.pluralizable]
    assert len(plurals) >= 40, "the plural messages are gone from the catalogue"


def test_catalogue_is_compiled_from_the_current_po():
    compiled = CATALOGUE_PO.with_suffix(".mo")
    assert compiled.exists(), NOT_COMPILED
    with compiled.open("rb") as mo:
        binary = {_key(message): _strings(message) for message in read_mo(mo) if message.id}
    source = {_key(message): _strings(message) for message in catalogue_read() if message.id}
    assert binary == source, NOT_COMPILED


def test_zero_and_one_take_the_singular_in_pages():
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} élève"
        "{% plural %}{{ counter }} élèves{% endblocktranslate %}"
    )
    with translation.override("fr"):
        rendered = [template.render(Context({"n": n})) for n in (0, 1, 2, 30)]
        ballots = translation.ngettext(
            "%(counter)s bulletin dans l'urne pour l'instant.",
            "%(counter)s bulletins dans l'urne pour l'instant.",
            0,
        )
    assert rendered == ["0 élève", "1 élève", "2 élèves", "30 élèves"]
    assert ballots.startswith("%(counter)s bulletin ")


def test_catalogue_update_keeps_msgstrs_and_adds_what_is_new(tmp_path):
    po = tmp_path / "django.po"
    po.write_bytes(CATALOGUE_PO.read_bytes())
    assert catalogue_update(po) == (0, 0), "the catalogue is stale: run catalogue_update"
    before = {_key(message): _strings(message) for message in catalogue_read() if message.id}
    after = {_key(message): _strings(message) for message in catalogue_read(po) if message.id}
    assert after == before

    # A msgstr a translator set is kept; a message gone from the code is dropped, one new in
    # the code is added with msgstr = msgid.
    catalogue = catalogue_read(po)
    catalogue["Ouvrir le vote"].string = "Ouvrir le vote\u00a0!"
    del catalogue["Retour à la consultation"]
    catalogue.add("Un message que le code n'a plus", "Un message que le code n'a plus")
    with po.open("wb") as out:
        write_po(out, catalogue)
    assert catalogue_update(po) == (1, 1)
    updated = catalogue_read(po)
    assert updated["Ouvrir le vote"].string == "Ouvrir le vote\u00a0!"
    assert updated["Retour à la consultation"].string == "Retour à la consultation"
    assert updated.get("Un message que le code n'a plus") is None
    assert updated["Submit to %(workflow_name)s"].string.startswith("Soumettre au circuit")
