from django.db import models


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
