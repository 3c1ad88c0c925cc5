"""The project's copies of the official texts the lessons quote (content/data/reference/), read
into articles and alinéas, and the checks of quotations against them.

Nothing here touches the database: the content tests and the loader's callers use it."""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "reference"

CONSTITUTION = "constitution"
DDHC = "ddhc"
PREAMBULE_1946 = "preambule-1946"
CHARTE = "charte-environnement"
SOURCES = (CONSTITUTION, DDHC, PREAMBULE_1946, CHARTE)
REFERENCE_FILES = {
    CONSTITUTION: "constitution-1958.md",
    DDHC: "ddhc-1789.md",
    PREAMBULE_1946: "preambule-1946.md",
    CHARTE: "charte-environnement-2004.md",
}
# The key of a preamble's alinéas: the Constitution's own, and the whole Préambule of 1946.
PREAMBLE = "preambule"

# « ## ARTICLE PREMIER. » / « ## ARTICLE 49. » (the Constitution's copy) and « ## Article 1er » /
# « ## Article 11 » (the newer copies); « # PRÉAMBULE » / « ## Préambule ».
_ARTICLE_HEADING = re.compile(
    r"^#{1,3}\s+article\s+(?P<number>premier|1er|\d+(?:-\d+)?)\s*\.?$", re.IGNORECASE
)
_PREAMBLE_HEADING = re.compile(r"^#{1,3}\s+pr[ée]ambule\s*\.?$", re.IGNORECASE)


class ReferenceError(ValueError):
    """A reference text is missing or does not follow its layout."""


def normalise(text: str) -> str:
    """What two copies of a sentence may differ by and still say the same thing: Unicode form,
    typographic apostrophes, non-breaking spaces, runs of white space."""
    text = unicodedata.normalize("NFC", text)
    for typographic, plain in (("’", "'"), ("\u00a0", " "), ("\u202f", " ")):
        text = text.replace(typographic, plain)
    return re.sub(r"\s+", " ", text).strip()


def article_key(number: str) -> str:
    """« 1er », « premier », « 1 » → "1"; « Préambule » → "preambule"; « 61-1 » stays."""
    number = normalise(str(number)).lower().removesuffix(".")
    if number in ("1er", "premier"):
        return "1"
    if number in ("préambule", "preambule"):
        return PREAMBLE
    return number


def reference_parse(text: str, *, name: str = "") -> dict[str, list[str]]:
    """Article key → its alinéas (normalised), one per paragraph. The YAML header and the
    paragraphs under other headings (titles) belong to no article."""
    if text.startswith("---\n"):
        parts = text.split("\n---\n", 1)
        if len(parts) != 2:
            raise ReferenceError(f"{name}: en-tête YAML non fermé.")
        text = parts[1]
    articles: dict[str, list[str]] = {}
    current = None
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        heading = _ARTICLE_HEADING.match(block)
        if heading or _PREAMBLE_HEADING.match(block):
            current = article_key(heading["number"]) if heading else PREAMBLE
            if current in articles:
                raise ReferenceError(f"{name}: l'article « {current} » apparaît deux fois.")
            articles[current] = []
        elif block.startswith("#"):
            current = None
        elif current is not None:
            articles[current].append(normalise(block))
    return articles


def reference_load(source: str, *, directory: Path = REFERENCE_DIR) -> dict[str, list[str]]:
    if source not in REFERENCE_FILES:
        raise ReferenceError(f"source inconnue « {source} » (attendu : {', '.join(SOURCES)}).")
    path = directory / REFERENCE_FILES[source]
    if not path.exists():
        raise ReferenceError(f"texte de référence manquant : {path.name} (source « {source} »).")
    return reference_parse(path.read_text(encoding="utf-8"), name=path.name)


class ReferenceLibrary:
    """The reference texts, each read once, on first use."""

    def __init__(self, directory: Path = REFERENCE_DIR):
        self.directory = directory
        self._texts: dict[str, dict[str, list[str]]] = {}

    def articles(self, source: str) -> dict[str, list[str]]:
        if source not in self._texts:
            self._texts[source] = reference_load(source, directory=self.directory)
        return self._texts[source]


def _alinea_list(alinea) -> list[int]:
    if alinea in (None, ""):
        return []
    if isinstance(alinea, int):
        return [alinea]
    if isinstance(alinea, str):
        return [int(part) for part in re.split(r"\s*,\s*", alinea.strip())]
    return [int(value) for value in alinea]


def article_block_problems(value: dict, library: ReferenceLibrary) -> list[str]:
    """An article block's text checked against the reference: each paragraph equals the named
    alinéa (in order), or, without `alinea`, one of the article's alinéas."""
    source = value.get("source") or CONSTITUTION
    number = article_key(value["number"])
    label = f"{source}, article {value['number']}"
    try:
        articles = library.articles(source)
    except ReferenceError as error:
        return [f"{label}: {error}"]
    if number not in articles:
        return [f"{label}: pas d'article « {number} » dans {REFERENCE_FILES[source]}."]
    alineas = articles[number]
    paragraphs = [normalise(p) for p in re.split(r"\n\s*\n|\n", value["text"]) if p.strip()]
    wanted = _alinea_list(value.get("alinea"))
    if not wanted:
        return [
            f"{label}: « {paragraph[:60]}… » n'est aucun alinéa de l'article."
            for paragraph in paragraphs
            if paragraph not in alineas
        ]
    if len(paragraphs) != len(wanted):
        return [f"{label}: {len(wanted)} alinéa(s) annoncé(s), {len(paragraphs)} paragraphe(s)."]
    problems = []
    for paragraph, index in zip(paragraphs, wanted, strict=True):
        if not 1 <= index <= len(alineas):
            problems.append(f"{label}: l'article n'a pas d'alinéa {index}.")
        elif paragraph != alineas[index - 1]:
            problems.append(f"{label}, alinéa {index}: « {paragraph[:60]}… » diffère du texte.")
    return problems


# Inline quotations: « … » followed by one of the reference shapes of content/FORMAT.md.
_NUMBER = r"(?P<number>1er|\d+(?:-\d+)?)"
_ARTICLE = rf"(?:article|art\.) {_NUMBER}"
_ALINEA = r"(?:alinéa|al\.) (?P<alinea>\d+)"
# The shapes FORMAT.md asks for, and the short forms written in seed-v2's examples (« art. 1er »,
# « DDHC, art. 11 »…): a quotation with either is checked, never silently left out.
_REFERENCE_SHAPES = (
    (re.compile(rf"^{_ARTICLE}(?: de la Constitution)?$"), CONSTITUTION),
    (re.compile(rf"^{_ARTICLE}, {_ALINEA}(?: de la Constitution)?$"), CONSTITUTION),
    (re.compile(rf"^{_ARTICLE} de la Déclaration de 1789$"), DDHC),
    (re.compile(rf"^(?:DDHC|Déclaration de 1789), {_ARTICLE}$"), DDHC),
    (re.compile(rf"^{_ALINEA} du Préambule de 1946$"), PREAMBULE_1946),
    (re.compile(rf"^Préambule de 1946, {_ALINEA}$"), PREAMBULE_1946),
    (re.compile(rf"^{_ARTICLE} de la Charte de l'environnement$"), CHARTE),
    (re.compile(rf"^Charte de l'environnement, {_ARTICLE}$"), CHARTE),
)
_QUOTATION = re.compile(r"«\s*(?P<quote>[^«»]+?)\s*»[\s,.]{0,2}\((?P<reference>[^()\n]+)\)")
_ELISION = re.compile(r"\s*(?:\[…\]|\[\.\.\.\]|\(…\)|\(\.\.\.\)|…)\s*")


@dataclass(frozen=True)
class InlineQuotation:
    quote: str
    source: str
    number: str
    alinea: int | None
    line: int


def inline_quotations(text: str) -> list[InlineQuotation]:
    """The « … » quotations of a text followed by a reference in one of the accepted shapes."""
    found = []
    for match in _QUOTATION.finditer(text):
        reference = normalise(match["reference"])
        for shape, source in _REFERENCE_SHAPES:
            parsed = shape.match(reference)
            if parsed:
                groups = parsed.groupdict()
                found.append(
                    InlineQuotation(
                        quote=normalise(match["quote"]),
                        source=source,
                        number=article_key(groups.get("number") or PREAMBLE),
                        alinea=int(groups["alinea"]) if groups.get("alinea") else None,
                        line=text.count("\n", 0, match.start()) + 1,
                    )
                )
                break
    return found


def inline_quotation_problem(quotation: InlineQuotation, library: ReferenceLibrary) -> str | None:
    """None when the quoted words stand, in order, in the named alinéa (or any alinéa of the
    named article); an elision ([…]) may skip words. Case is ignored: a quotation may start
    in the middle of a sentence."""
    label = f"ligne {quotation.line}, « {quotation.quote[:50]} » ({quotation.source}, "
    label += f"article {quotation.number})"
    try:
        articles = library.articles(quotation.source)
    except ReferenceError as error:
        return f"{label}: {error}"
    alineas = articles.get(quotation.number)
    if alineas is None:
        return f"{label}: pas d'article « {quotation.number} » dans le texte de référence."
    if quotation.alinea is not None:
        if not 1 <= quotation.alinea <= len(alineas):
            return f"{label}: pas d'alinéa {quotation.alinea}."
        alineas = [alineas[quotation.alinea - 1]]
    parts = [part.casefold() for part in _ELISION.split(quotation.quote) if part.strip()]
    for alinea in alineas:
        haystack, position = alinea.casefold(), 0
        for part in parts:
            position = haystack.find(part.strip(" ."), position)
            if position < 0:
                break
            position += len(part.strip(" ."))
        else:
            return None
    return f"{label}: citation introuvable dans le texte de référence."
