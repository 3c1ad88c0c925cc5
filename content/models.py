from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedRecord(models.Model):
    """What the seed command last wrote to a page: lets a re-run tell its own revision from an
    editor's, so an edited page is never overwritten without --force."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    seeded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.source


class GlossaryTerm(models.Model):
    """A recurring legal term, defined once for the whole site: the glossary page lists them
    with an anchor per slug, and lessons link to that anchor. Seeded from
    content/data/glossary.yaml, editable as a Wagtail snippet."""

    term = models.CharField(_("terme"), max_length=120)
    slug = models.SlugField(_("ancre"), max_length=80, unique=True)
    definition = models.TextField(_("définition"))

    class Meta:
        verbose_name = _("terme du glossaire")
        verbose_name_plural = _("glossaire")
        ordering = ["term"]

    def __str__(self):
        return self.term
