from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultsSeen(models.Model):
    """This pupil has opened the published results of this consultation: what takes the
    « nouveau » badge off them on the pupil's page. Only the pair is kept, no time: it is
    written when the results are read, long after the vote and whether the pupil voted or
    not, so it says nothing of the ballot. CASCADE: it goes with the pupil's account."""

    consultation = models.ForeignKey(
        "classroom_votes.Consultation", on_delete=models.CASCADE, related_name="results_seen"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="results_seen"
    )

    class Meta:
        verbose_name = _("résultats lus")
        verbose_name_plural = _("résultats lus")
        constraints = [
            models.UniqueConstraint(fields=["user", "consultation"], name="results_seen_once")
        ]

    def __str__(self):
        return f"{self.user_id} — {self.consultation_id}"
