"""The secret ballot, as in a French polling station: the *liste d'émargement* (Participation:
who voted, on which day) and the *urne* (Ballot: what was voted, by no one in particular) never
meet, not even for whoever reads the database, its dumps, its replicas or its WAL.

A vote writes the participation and a SealedBallot in one statement (they share a transaction
id, and are stored side by side): the sealed ballot is unreadable without a key the database
does not hold. The mixing (consultations.services) later opens sealed ballots of one class by
batches of at least HEMICYCLE_BALLOT_BATCH, in a transaction of its own, and writes them into
the urn in shuffled order and into the counters (Tally): what the urn and the counters record,
and when, narrows no pupil's vote below such a batch. The close mixes what remains and rewrites
the whole urn; a class with fewer ballots than a batch stays sealed, counted only in memory.

Invariant, checked by the tests: participations = ballots (sealed or mixed) = ballots counted
(see selectors.consultation_invariant)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Participation(models.Model):
    """One line of the liste d'émargement: this pupil voted in this consultation, from this
    class, on this day. Never anything finer than the day, and no sequential id, so that the
    order of the voters cannot be put side by side with anything else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique constraint's index (consultation, user) serves every
    # look-up by consultation, and one index fewer is written at each vote.
    consultation = models.ForeignKey(
        "classroom_votes.Consultation",
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,
    )
    # SET_NULL: erasing a pupil removes who they are, not the fact that someone voted, which
    # keeps participations = ballots. Several NULLs never collide in the unique constraint.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("élève"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="consultation_participations",
    )
    classroom = models.ForeignKey(
        "school.Classroom",
        verbose_name=_("classe"),
        on_delete=models.PROTECT,
        related_name="consultation_participations",
    )
    voted_on = models.DateField(_("a voté le"))

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("liste d'émargement")
        ordering = ["consultation_id", "classroom_id", "voted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], name="participation_one_per_pupil"
            )
        ]

    def __str__(self):
        return f"{self.user or _('élève effacé')} — {self.consultation_id}"


class Ballot(models.Model):
    """One ballot in the urne. A random UUID as key (no sequence reveals the order of
    arrival), no author, no timestamp. The class is kept for per-class and territorial results:
    it is also on the liste d'émargement, so it reveals nothing more."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        "classroom_votes.Consultation", on_delete=models.CASCADE, related_name="ballots"
    )
    classroom = models.ForeignKey(
        "school.Classroom", on_delete=models.PROTECT, related_name="consultation_ballots"
    )
    # Normalised by tallies.ballot_validate.
    content = models.JSONField(_("bulletin"))

    class Meta:
        verbose_name = _("bulletin")
        # The ids are random, so this order says nothing about the order of arrival.
        ordering = ["id"]

    def __str__(self):
        return str(self.pk)


class SealedBallot(models.Model):
    """A ballot as cast, sealed (consultations.sealing) until it is mixed into the urn. No
    author, no time, a random UUID as key; what it says needs the seal key, kept outside the
    database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        "classroom_votes.Consultation", on_delete=models.CASCADE, related_name="sealed_ballots"
    )
    classroom = models.ForeignKey(
        "school.Classroom", on_delete=models.PROTECT, related_name="consultation_sealed_ballots"
    )
    sealed = models.BinaryField(_("bulletin scellé"))

    class Meta:
        verbose_name = _("bulletin scellé")
        verbose_name_plural = _("bulletins scellés")
        ordering = ["id"]

    def __str__(self):
        return str(self.pk)


class Tally(models.Model):
    """One counter of one class in one consultation (keys as tallies.tally_counts gives them),
    moved only by the mixing, a batch at a time. Services create every counter at zero with the
    consultation: a row appearing at the first batch for an option would date that batch."""

    # No index of its own: the unique constraint's (consultation, classroom, key) serves it.
    consultation = models.ForeignKey(
        "classroom_votes.Consultation",
        on_delete=models.CASCADE,
        related_name="tallies",
        db_index=False,
    )
    classroom = models.ForeignKey(
        "school.Classroom", on_delete=models.PROTECT, related_name="consultation_tallies"
    )
    # "<option>:<grade>" for majority judgment: 32 + 1 + the longest grade key.
    key = models.CharField(_("compteur"), max_length=48)
    count = models.PositiveIntegerField(_("nombre"), default=0)

    class Meta:
        verbose_name = _("décompte")
        ordering = ["consultation_id", "classroom_id", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "classroom", "key"], name="tally_unique_key_per_class"
            )
        ]

    def __str__(self):
        return f"{self.key}: {self.count}"
