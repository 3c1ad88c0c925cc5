"""The public glossary page: every term of the site, an anchor per slug."""

import unicodedata

from django.shortcuts import render

from .models import GlossaryTerm


def _sort_key(term: GlossaryTerm) -> str:
    # French order: « écologie » among the e, not after z.
    decomposed = unicodedata.normalize("NFD", term.term.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def glossary(request):
    terms = sorted(GlossaryTerm.objects.all(), key=_sort_key)
    return render(request, "content/glossary.html", {"terms": terms})
