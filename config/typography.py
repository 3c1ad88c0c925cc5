"""French typography on every page: a no-break space before « ; : ! ? », inside « », and around
a « / » that stands between spaces, so that a « ? » never starts a line on a phone.

One function, applied to each HTML page as it leaves the site (FrenchTypographyMiddleware), so
static strings and what people typed (lesson text, consultation titles, pupils' posts) are set
alike. Only text is touched: tags and their attributes (URLs included), comments, and the
contents of script, style, pre, code, kbd, samp and textarea stay as they are; a « : » that no
space precedes (10:30, https:) is left alone."""

import re

NARROW_NBSP = "\u202f"  # before ; : ! ? (Imprimerie nationale's « espace fine insécable »)
NBSP = "\u00a0"  # inside « » and around a lone « / »

_TAG = re.compile(r"<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)
_RAW_OPEN = re.compile(r"<(script|style|pre|code|kbd|samp|textarea)\b", re.IGNORECASE)
_SPACE = "[ \t\r\n]"
_ANY_SPACE = "[ \t\r\n\u00a0\u202f]"
_RULES = [
    (re.compile(f"{_SPACE}+(?=[;:!?])"), NARROW_NBSP),
    (re.compile(f"«{_ANY_SPACE}*"), f"«{NBSP}"),
    (re.compile(f"{_ANY_SPACE}*»"), f"{NBSP}»"),
    (re.compile(f"{_SPACE}+/{_SPACE}+"), f"{NBSP}/{NBSP}"),
]
# Every rule needs one of these characters: text without any (most of a page's text, the
# whitespace between tags) is returned as it is, without running the rules over it.
_TOUCHED = re.compile("[;:!?«»/]")


def french_text(text: str) -> str:
    """Plain text set in French typography."""
    if not _TOUCHED.search(text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def french_html(html: str) -> str:
    """HTML whose text (never its markup or raw elements) is set in French typography."""
    out, raw_until = [], None
    position = 0
    for tag in _TAG.finditer(html):
        text = html[position : tag.start()]
        out.append(text if raw_until else french_text(text))
        markup = tag.group()
        if raw_until:
            if markup.lower().startswith(raw_until):
                raw_until = None
        else:
            raw = _RAW_OPEN.match(markup)
            if raw and not markup.endswith("/>"):
                raw_until = f"</{raw.group(1).lower()}"
        out.append(markup)
        position = tag.end()
    rest = html[position:]
    out.append(rest if raw_until else french_text(rest))
    return "".join(out)
