"""The check an SVG image passes before the site stores it (seed files, Wagtail's image upload).

An SVG is a document: opened directly from the site's media, a script in it would run on the
site's origin. Media are also served with a sandboxing policy (config.middleware), but only an
SVG made of drawing elements is accepted: an allowlist of elements, no event attribute, no
reference outside the document, no DTD or entity. Whatever is not known to be inert is refused."""

import re
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
SVG_MAX_BYTES = 2 * 1024 * 1024
# Drawing, text and paint elements. Not a, image, use of another file, foreignObject, script,
# animation (set/animate can rewrite an href), iframe, feImage.
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "metadata",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "marker",
        "linearGradient",
        "radialGradient",
        "stop",
        "pattern",
        "clipPath",
        "mask",
        "style",
        "filter",
        "feGaussianBlur",
        "feOffset",
        "feBlend",
        "feFlood",
        "feComposite",
        "feMerge",
        "feMergeNode",
        "feColorMatrix",
        "feDropShadow",
    ]
)
_URL_NOISE = re.compile(r"[\s\x00-\x1f\\]+")
_ACTIVE_MARKERS = ("javascript:", "vbscript:", "data:", "@import", "expression(")
_CSS_URL = re.compile(r"url\(\s*['\"]?(?P<target>[^'\")]*)", re.IGNORECASE)


class SVGRefused(ValueError):
    """The SVG holds something a browser could run or fetch; the message says what."""


class _Builder(TreeBuilder):
    """Refuses processing instructions wherever they are, before the root element included
    (an xml-stylesheet can turn the document into HTML with scripts)."""

    def pi(self, target, data=None):
        raise SVGRefused(_("Les instructions de traitement sont refusées."))


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return "", name


def _check_value(value: str, *, where: str) -> None:
    compact = _URL_NOISE.sub("", value).lower()
    for marker in _ACTIVE_MARKERS:
        if marker in compact:
            raise SVGRefused(
                _("%(where)s contient « %(marker)s ».") % {"where": where, "marker": marker}
            )
    for match in _CSS_URL.finditer(value):
        if not match["target"].strip().startswith("#"):
            raise SVGRefused(
                _("%(where)s désigne une ressource extérieure (%(url)s).")
                % {"where": where, "url": match["target"][:80]}
            )


def svg_check(data: bytes) -> None:
    """Raise SVGRefused unless `data` is an SVG document made only of inert drawing."""
    if len(data) > SVG_MAX_BYTES:
        raise SVGRefused(_("Le fichier SVG dépasse 2 Mo."))
    parser = DefusedXMLParser(
        target=_Builder(),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        raise SVGRefused(
            _("Le fichier SVG déclare une DTD ou des entités (%(error)s).") % {"error": error}
        ) from error
    except ParseError as error:
        raise SVGRefused(
            _("Le fichier n'est pas un SVG lisible (%(error)s).") % {"error": error}
        ) from error
    if _local(root.tag) != (SVG_NAMESPACE, "svg"):
        raise SVGRefused(_("Le document n'est pas un SVG (élément racine <svg> attendu)."))
    for element in root.iter():
        namespace, local = _local(element.tag)
        if namespace != SVG_NAMESPACE or local not in SVG_ELEMENTS:
            raise SVGRefused(_("L'élément <%(name)s> est refusé.") % {"name": local})
        where = f"<{local}>"
        for name, value in element.attrib.items():
            attribute_namespace, attribute = _local(name)
            if attribute.lower().startswith("on"):
                raise SVGRefused(
                    _("L'attribut %(name)s de %(where)s est refusé.")
                    % {"name": attribute, "where": where}
                )
            if attribute_namespace not in ("", XLINK_NAMESPACE, XML_NAMESPACE):
                raise SVGRefused(
                    _("L'attribut %(name)s de %(where)s est refusé.")
                    % {"name": name, "where": where}
                )
            if attribute == "href" and not value.strip().startswith("#"):
                raise SVGRefused(
                    _("%(where)s désigne une ressource extérieure (%(url)s).")
                    % {"where": where, "url": value[:80]}
                )
            _check_value(value, where=f"{where} {attribute}")
        if local == "style" and element.text:
            _check_value(element.text, where=where)


def svg_accessibility_problems(data: bytes) -> list[str]:
    """What a diagram of the seed files lacks (content/FORMAT.md): a viewBox to scale on a phone,
    a <title> (its short name), role="img". Call after svg_check."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(data, forbid_dtd=True)
    problems = []
    if not root.get("viewBox"):
        problems.append("viewBox manquant")
    if root.get("role") != "img":
        problems.append('role="img" manquant')
    if root.find(f"{{{SVG_NAMESPACE}}}title") is None:
        problems.append("<title> manquant")
    return problems
