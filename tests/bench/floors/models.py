"""The bare floors' tables: a StreamField page, the three rows of a vote, an xAPI statement.
Created by its own migrations, outside the project (the app only lives in a benchmark)."""
# ruff: noqa: DJ008  (bench-only rows, never shown)

import uuid

from django.db import models
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page


class BarePage(Page):
    body = StreamField(
        [("heading", blocks.CharBlock()), ("paragraph", blocks.RichTextBlock())],
        use_json_field=True,
    )


class BareParticipation(models.Model):
    consultation_id = models.IntegerField()
    voter = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation_id", "voter"], name="bare_one_vote")
        ]


class BareBallot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    consultation_id = models.IntegerField()
    content = models.JSONField()


class BareTally(models.Model):
    consultation_id = models.IntegerField()
    key = models.CharField(max_length=48)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation_id", "key"], name="bare_tally_key")
        ]


class BareStatement(models.Model):
    statement_id = models.UUIDField(unique=True)
    actor = models.IntegerField()
    activity = models.CharField(max_length=200)
    score_raw = models.DecimalField(max_digits=9, decimal_places=3, null=True)
    score_max = models.DecimalField(max_digits=9, decimal_places=3, null=True)
    payload = models.JSONField()
