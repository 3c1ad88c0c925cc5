"""Generated pseudonyms ("Renard-Bleu-27") and secrets ("lune-tigre-48") for pupils: easy to read
aloud and type on a school keyboard, no ambiguous characters, drawn with `secrets`."""

import functools
import re
import secrets
import unicodedata

ANIMALS = [
    "Renard", "Loup", "Ours", "Lynx", "Aigle", "Castor", "Chamois", "Dauphin", "Faucon", "Gazelle",
    "Hibou", "Koala", "Lama", "Manchot", "Marmotte", "Panda", "Phoque", "Puma", "Tigre", "Zebre",
    "Blaireau", "Colibri", "Ecureuil", "Elan", "Flamant", "Herisson", "Jaguar", "Lemurien",
    "Loutre", "Mouette", "Orque", "Pelican", "Pingouin", "Raton", "Salamandre", "Tortue",
]  # fmt: skip
COLOURS = [
    "Bleu", "Rouge", "Vert", "Jaune", "Orange", "Violet", "Rose", "Gris", "Blanc", "Noir",
    "Turquoise", "Dore", "Argent", "Corail", "Indigo", "Ocre", "Olive", "Prune", "Sable", "Azur",
]  # fmt: skip
WORDS = [
    "lune", "soleil", "nuage", "riviere", "montagne", "foret", "plage", "etoile", "orage", "vague",
    "jardin", "pomme", "cerise", "citron", "banane", "tomate", "piano", "guitare", "tambour",
    "violon", "crayon", "cahier", "livre", "stylo", "velo", "train", "bateau", "fusee", "avion",
    "camion", "tigre", "lion", "zebre", "cheval", "poney", "lapin", "souris", "chat", "chien",
]  # fmt: skip
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1
# 31**8 is about 8.5e11 codes: with 100,000 classes, a guess hits one in 8.5 million, hopeless
# at the throttled rate of /rejoindre/ (and joining is open only for a while, and waits for the
# teacher's approval). Codes of 6 characters made before stay valid until regenerated.
JOIN_CODE_LENGTH = 8
JOIN_CODE_GROUP = 4


def pseudonym_generate() -> str:
    return "-".join(
        [secrets.choice(ANIMALS), secrets.choice(COLOURS), f"{secrets.randbelow(90) + 10}"]
    )


def secret_generate() -> str:
    return f"{secrets.choice(WORDS)}-{secrets.choice(WORDS)}-{secrets.randbelow(90) + 10}"


def join_code_generate() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_normalise(value: str) -> str:
    """What a pupil types, made comparable: case and spaces or dashes do not matter."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


# --- The canonical form of a pseudonym ---------------------------------------------------------
#
# Login, the lockout counter and the one-per-class uniqueness all compare pseudonyms through
# `pseudonym_canonical`, so that no variant a keyboard can produce ("OURſ", "Aıgle", "Ｒenard",
# Cyrillic "Rеnard", "Rénard", "renard  bleu", "Renard Bleu") is a different account, a fresh
# lockout counter, or a second pupil who looks like the first.
#
# The look-alikes come from confusable_homoglyphs (the data of Unicode's confusables.txt, the
# library django-registration relies on for the same purpose): it has no skeleton function, so
# the table below keeps, for each character that is not ASCII, the ASCII letter or digit it can
# be mistaken for. Pseudonyms themselves are Latin only (`pseudonym_script_ok`), so this mapping
# only has to bring what someone types at the login back to the Latin twin. ASCII characters are
# left alone ("l" and "1" stay distinct): generated pseudonyms use both.

PSEUDONYM_EXTRA_LETTERS = frozenset("œæ")  # French ligatures, Latin but with no ASCII base


@functools.cache
def _skeleton_table() -> dict[int, str]:
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for character, homoglyphs in confusables_data.items():
        if len(character) != 1 or character.isascii():
            continue
        twins = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii()]
        letters = [twin for twin in twins if twin.isalpha()]
        digits = [twin for twin in twins if twin.isdigit()]
        if letters:
            # "І" (Cyrillic) looks like both "I" and "l": its case folding decides.
            folded = character.casefold()
            lower = [twin.casefold() for twin in letters]
            table[ord(character)] = folded if folded in lower else lower[0]
        elif digits:
            table[ord(character)] = digits[0]
    return table


def _accents_strip(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def pseudonym_canonical(value: str) -> str:
    """The one form of a pseudonym that login, lockouts and uniqueness compare: NFKC (fullwidth
    and compatibility forms), case folding ("ſ" is "s"), accents stripped, look-alikes of other
    scripts mapped to their Latin twin ("ı", Cyrillic "е", Greek "ο"), and the separators
    dropped: spaces and dashes of any kind ("Renard Bleu 27", "RENARD-BLEU-27" and "renardbleu27"
    are one pupil, "renardbleu27"), since pupils retype their card as they read it.
    Idempotent: canonical(canonical(x)) == canonical(x)."""
    value = unicodedata.normalize("NFKC", value or "").casefold()
    value = _accents_strip(value).translate(_skeleton_table())
    # The table maps to ASCII; one more pass catches what a mapping made composable again.
    value = unicodedata.normalize("NFKC", _accents_strip(value)).casefold()
    return "".join(ch for ch in value if not _is_separator(ch))


def _is_separator(ch: str) -> bool:
    """A space or a dash: "-", "‐", "–", "—" (a phone's keyboard turns "--" into one), "−"."""
    return ch.isspace() or unicodedata.category(ch) == "Pd" or ch == "\u2212"


def pseudonym_script_ok(value: str) -> bool:
    """Letters of the Latin alphabet only (accents and œ/æ allowed), ASCII digits, spaces and
    dashes: no other script, so no mixed script and no look-alike ("Rеnard" with a Cyrillic е,
    "Aıgle" with a dotless ı). Checked on the NFKC form, so fullwidth letters pass as what they
    are."""
    value = unicodedata.normalize("NFKC", value or "")
    for ch in value:
        if ch in "- " or ch in "0123456789" or ch.lower() in PSEUDONYM_EXTRA_LETTERS:
            continue
        base = _accents_strip(ch)
        if not (len(base) == 1 and base.isascii() and base.isalpha()):
            return False
    return True


# Common French first names: a pseudonym made of one of these and no digit reads as a real name.
FIRST_NAMES = frozenset([
    "adam", "alexandre", "alice", "amelie", "anais", "antoine", "arthur", "baptiste", "camille",
    "charlotte", "chloe", "clara", "clement", "elise", "emma", "enzo", "ethan", "eva", "gabriel",
    "hugo", "ines", "jade", "jean", "jules", "julia", "julie", "julien", "lea", "leo", "leon",
    "lina", "lola", "lou", "louis", "louise", "lucas", "lucie", "manon", "marie", "martin",
    "mathis", "mathilde", "maxime", "mael", "nathan", "noah", "noemie", "oceane", "paul", "pierre",
    "quentin", "raphael", "romain", "sarah", "theo", "thomas", "tom", "valentin", "victor",
    "yanis", "yasmine", "zoe", "mohamed", "nicolas", "ambre", "rose", "juliette", "agathe",
    "margaux", "sacha", "nael", "axel", "timeo", "kylian", "mathieu", "sophie", "laura", "pauline",
    "marine", "celine", "nathalie", "isabelle", "sandrine", "philippe", "patrick", "michel",
    "alain", "david", "eric", "olivier", "christophe", "stephane", "francois",
])  # fmt: skip
_CAPITALISED = re.compile(r"^[^\W\d_][^\W\d_A-Z]+$")


def pseudonym_looks_like_a_name(value: str) -> bool:
    """ "Jean Dupont", "Léa Martin", "jean-dupont": two or more capitalised words, or a common
    first name, and no digit. Generated pseudonyms ("Renard-Bleu-27") always carry a number."""
    value = unicodedata.normalize("NFKC", value or "")
    if any(ch.isdigit() for ch in value):
        return False
    words = [word for word in re.split(r"[\s-]+", value) if word]
    capitalised = [word for word in words if word[0].isupper() and _CAPITALISED.match(word)]
    if len(words) >= 2 and len(capitalised) == len(words):
        return True
    return any(_accents_strip(word.casefold()) in FIRST_NAMES for word in words)


def join_code_format(code: str) -> str:
    """A code as people read it: "K7PM-2XQR" (groups of four); older 6-character codes as is."""
    if len(code) != JOIN_CODE_LENGTH:
        return code
    return "-".join(code[i : i + JOIN_CODE_GROUP] for i in range(0, len(code), JOIN_CODE_GROUP))
