"""Signal handlers, connected in ClassroomVotesConfig.ready(); each calls one service."""

from . import debate_services


def user_pre_delete(sender, instance, **kwargs):
    """A pupil's account is being erased (school.services.pupils_erase, inside its
    transaction): their words in debates go first; the foreign keys do the rest."""
    debate_services.pupil_debate_words_erase(user=instance)
