"""Text hygiene for debates, as pure functions (no database): what a pupil types becomes plain
text, and the word filter and the contact-details check say whether it must wait for the
teacher.

- `text_sanitize`: markup removed (tags dropped, the content of script and style too, entities
  decoded, repeated until nothing changes, and any "<" that could still open a tag is spaced
  out), invisible and control characters removed, whitespace normalised, length checked, and,
  unless links are allowed, addresses refused. Templates escape on output anyway: what is stored
  is the plain text, safe for a JSON client that would not.
- `words_find`: the entries of a word list found in a text, whatever the case and accents,
  whole words only ("con" never matches "contre"); a final "*" allows any ending.
- `contact_details_find`: e-mail addresses and French phone numbers, which a minor should not
  publish to the class.

Errors are TextRefused with a code from this module, and a French message."""

import functools
import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from school.errors import DomainError

TEXT_EMPTY = "text_empty"
TEXT_TOO_LONG = "text_too_long"
TEXT_NOT_TEXT = "text_not_text"
TEXT_LINK_REFUSED = "text_link_refused"
WORDS_INVALID = "words_invalid"

ERROR_MESSAGES = {
    TEXT_EMPTY: _("Ton message est vide."),
    TEXT_TOO_LONG: _("Ton message est trop long (%(max_length)s caractères au plus)."),
    TEXT_NOT_TEXT: _("Ce message n'est pas du texte."),
    TEXT_LINK_REFUSED: _(
        "Les liens ne sont pas autorisés dans ce débat : explique ton idée avec tes mots, "
        "et cite ta source par son nom (journal, site, auteur)."
    ),
    WORDS_INVALID: _(
        "Chaque mot surveillé fait de 2 à 50 caractères : lettres, chiffres, espaces, "
        "apostrophes ou tirets, avec au plus une * à la fin ; 300 mots au plus."
    ),
}

# What a post may weigh before it is even parsed: the markup removed can be longer than the
# text kept, but not without limit.
RAW_MAX_FACTOR = 10
WORD_MAX_LENGTH = 50
WORDS_MAX = 300


class TextRefused(DomainError):
    """A text that may not be stored as it is; `params` fill the message (max_length)."""

    messages = ERROR_MESSAGES


# --- Plain text -------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Keeps the character data, decoded; drops tags, comments, declarations and the content of
    elements that are never text."""

    SKIPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def _markup_strip(text: str) -> str:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


# A "<" that a browser could read as the start of a tag, a comment or a declaration.
_TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")
_MARKUP_PASSES = 5
# Control and format characters (bidirectional overrides, zero-width spaces, soft hyphens...)
# and lone surrogates; kept: line breaks and tabs (normalised below) and the zero-width joiner
# of emoji sequences.
_KEPT_CONTROLS = frozenset("\n\r\t\u200d")
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _invisible_remove(text: str) -> str:
    return "".join(
        char
        for char in text
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in _REMOVED_CATEGORIES
    )


def _whitespace_normalise(text: str, *, multiline: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_sanitize(
    value: object,
    *,
    max_length: int,
    links_allowed: bool = False,
    multiline: bool = True,
    required: bool = True,
) -> str:
    """The plain text to store, or TextRefused (TEXT_NOT_TEXT, TEXT_EMPTY, TEXT_TOO_LONG,
    TEXT_LINK_REFUSED)."""
    if not isinstance(value, str):
        raise TextRefused(TEXT_NOT_TEXT)
    if len(value) > max_length * RAW_MAX_FACTOR:
        raise TextRefused(TEXT_TOO_LONG, max_length=max_length)
    text = unicodedata.normalize("NFC", _invisible_remove(value))
    for _pass in range(_MARKUP_PASSES):
        stripped = _markup_strip(text)
        if stripped == text:
            break
        text = stripped
    # What is left could only open a tag by accident ("x <b"): a space makes sure it never does.
    text = _TAG_OPENING.sub("< ", _invisible_remove(text))
    text = _whitespace_normalise(text, multiline=multiline)
    if not text:
        if required:
            raise TextRefused(TEXT_EMPTY)
        return ""
    if len(text) > max_length:
        raise TextRefused(TEXT_TOO_LONG, max_length=max_length)
    if not links_allowed and links_find(text):
        raise TextRefused(TEXT_LINK_REFUSED)
    return text


# --- Folding, for matching --------------------------------------------------------------------


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def text_fold(text: str) -> str:
    """Lower case, no accents, compatibility forms flattened (full-width letters, ligatures),
    invisible characters removed: "Ｃ\u200bOn" and "cön" both fold to "con"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    kept = "".join(
        " " if char.isspace() else char
        for char in decomposed
        if char.isspace()
        or (not unicodedata.combining(char) and unicodedata.category(char) not in {"Cf", "Cc"})
    )
    return kept.casefold().replace("œ", "oe").replace("æ", "ae")


# --- Links and contact details ----------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0612345678.
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
# Top-level domains that are not also French words, so that "vrai.De plus" (a missing space)
# is not taken for an address.
_BARE_DOMAIN_TLDS = (
    "com|fr|net|org|eu|io|ly|gg|tv|info|biz|xyz|app|dev|uk|ch|be|ru|gouv|edu|tk|gl|gd|ws|cc|to"
)
_LINK = re.compile(
    r"(?:\b(?:https?|ftp|file|javascript|data|vbscript):(?=\S)"
    r"|\bwww\d{0,3}\."
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _BARE_DOMAIN_TLDS + r")\b)",
)


def links_find(text: str) -> list[str]:
    """Web addresses in `text`: with a scheme, starting with www., or a bare domain name with
    a common extension ("exemple.fr/page"). E-mail addresses are contact details, not links."""
    folded = _EMAIL.sub(" ", text_fold(text))
    return [match.group(0) for match in _LINK.finditer(folded)]


def contact_details_find(text: str) -> list[str]:
    """E-mail addresses and phone numbers."""
    folded = text_fold(text)
    return [m.group(0) for m in _EMAIL.finditer(folded)] + [
        m.group(0) for m in _PHONE.finditer(folded)
    ]


# --- Word lists -------------------------------------------------------------------------------


_WORD_ALLOWED = re.compile(r"[\w' -]+\*?")


def words_clean(value: object) -> tuple[str, ...]:
    """A teacher's or an operator's list (one entry a line, or separated by commas; "#" starts
    a comment line), folded, deduplicated, in order; WORDS_INVALID when an entry is not a word
    or the list is too long."""
    if not isinstance(value, str):
        raise TextRefused(WORDS_INVALID)
    words: dict[str, None] = {}
    for line in value.splitlines():
        if line.strip().startswith("#"):
            continue
        for entry in line.split(","):
            word = " ".join(text_fold(entry).split())
            if not word:
                continue
            core = word.rstrip("*").strip()
            if (
                not _WORD_ALLOWED.fullmatch(word)
                or "_" in word
                or len(core) < 2
                or len(word) > WORD_MAX_LENGTH
            ):
                raise TextRefused(WORDS_INVALID)
            words[word] = None
    if len(words) > WORDS_MAX:
        raise TextRefused(WORDS_INVALID)
    return tuple(words)


@functools.lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    alternatives = []
    for word in words:
        prefix = word.endswith("*")
        tokens = word.rstrip("*").split()
        if not tokens:
            continue
        alternatives.append(r"\s+".join(map(re.escape, tokens)) + (r"\w*" if prefix else ""))
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)  # the longest entry wins at the same position
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def words_find(text: str, *, words: Iterable[str]) -> list[str]:
    """The distinct passages of `text` (folded) that match an entry of `words` (as
    words_clean returns them), in order of appearance."""
    pattern = _words_pattern(tuple(words))
    if pattern is None:
        return []
    found = (" ".join(match.group(0).split()) for match in pattern.finditer(text_fold(text)))
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=8)
def word_list_load(path: Path) -> tuple[str, ...]:
    """The site's list, read once per process (a new file needs a restart, like settings)."""
    return words_clean(Path(path).read_text(encoding="utf-8"))
