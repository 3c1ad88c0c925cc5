"""Signal handlers, connected in ClassroomVotesConfig.ready(); each calls one service."""

from .debates import services as debates_services


def user_pre_delete(sender, instance, **kwargs):
    """A pupil's account is being erased (school.services.pupils_erase, inside its
    transaction): their words in debates go first; the foreign keys do the rest."""
    debates_services.pupil_debate_words_erase(user=instance)
