"""A small course in seed format v2, written in a temporary folder: the loader's tests and the
curriculum browser test build on it, so they do not depend on the courses being written."""

import shutil
from pathlib import Path

DIAGRAM_SVG = """<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="t d"
     viewBox="0 0 320 120">
  <title id="t">Le Parlement : deux assemblées</title>
  <desc id="d">L'Assemblée nationale à gauche, le Sénat à droite.</desc>
  <rect x="10" y="20" width="140" height="80" fill="#000091"/>
  <rect x="170" y="20" width="140" height="80" fill="#6a6af4"/>
  <text x="80" y="65" fill="#ffffff" font-size="14" text-anchor="middle">Assemblée</text>
  <text x="240" y="65" fill="#ffffff" font-size="14" text-anchor="middle">Sénat</text>
</svg>
"""

GLOSSARY = """- term: Navette parlementaire
  slug: navette-parlementaire
  definition: Allers-retours d'un texte entre les deux assemblées.
- term: Motion de censure
  slug: motion-de-censure
  definition: Texte par lequel les députés mettent en cause la responsabilité du Gouvernement.
"""

COURSE = """slug: parlement-v2
title: Le Parlement en action
level_min: 3e
level_max: terminale
estimated_minutes: 30
intro: Un cours court.
"""

# 420 words of short sentences.
ESSENTIALS_TEXT = " ".join(
    ["Le Parlement vote la loi et contrôle le Gouvernement."] * 50
    + ["La [navette](glossaire:navette-parlementaire) fait passer le texte d'une chambre à l'autre"]
    + ["Chaque député représente la nation."] * 5
)

LESSON = """---
slug: le-parlement-en-action
title: Le Parlement en action
summary: Comment une loi est votée.
estimated_minutes: 20
verified: 2026-12-01
sources:
  - title: Constitution du 4 octobre 1958, articles 24 et 45
    url: https://www.conseil-constitutionnel.fr/le-bloc-de-constitutionnalite/texte-integral-de-la-constitution-du-4-octobre-1958-en-vigueur
---

```essentials
text: |
  {essentials}
```

## Deux assemblées

Le Parlement « comprend l'Assemblée nationale et le Sénat » (article 24, alinéa 2).

```image
src: media/parlement.svg
alt: Schéma des deux assemblées du Parlement
description: |
  À gauche l'Assemblée nationale, à droite le **Sénat**.
credit: Hémicycle, CC BY-SA 4.0
caption: Les deux chambres
```

```article
number: "24"
alinea: 2
text: |
  Il comprend l'Assemblée nationale et le Sénat.
```
{extra}
"""


def v2_course_write(root: Path, *, h5p_package: Path | None = None, extra: str = "") -> Path:
    """The data folder (glossary + one course of one lesson); returns the course folder."""
    course = root / "courses" / "parlement-v2"
    (course / "lessons").mkdir(parents=True)
    (course / "media").mkdir()
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    (course / "course.yaml").write_text(COURSE, encoding="utf-8")
    (course / "media" / "parlement.svg").write_text(DIAGRAM_SVG, encoding="utf-8")
    if h5p_package is not None:
        shutil.copy(h5p_package, course / "media" / "activite.h5p")
        extra = "\n```h5p\npackage: media/activite.h5p\ntitle: Vrai ou faux\n```\n" + extra
    lesson = LESSON.format(essentials=ESSENTIALS_TEXT, extra=extra)
    (course / "lessons" / "01-le-parlement-en-action.md").write_text(lesson, encoding="utf-8")
    return course
