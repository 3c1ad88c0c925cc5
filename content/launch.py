"""Launching a lesson's ready-made consultation or debate (LessonTeacherGuide.ready_made) into a
teacher's class, through the classroom_votes services, which check everything again: the
teacher's right to create, that the class is theirs and not archived, the question, the
method, the options and the sources. This glue lives in `content` because it is the one app
that may import both `courses` (the guide) and `classroom_votes` (the services).

A consultation is created as a draft, as the consultation form does: the teacher reads it and
opens the vote from its page. A debate is open at once, as the debate form makes it."""

from classroom_votes.consultations.services import consultation_create
from classroom_votes.debates.services import debate_create
from courses.models import LessonTeacherGuide

from .teacher_pages import ReadyMadeInvalid, ready_made_clean

READY_MADE_INVALID_MESSAGE = (
    "La question prête à lancer de cette fiche est incomplète ou invalide ({reason}). "
    "Signalez-le à l'équipe éditoriale ; vous pouvez créer la consultation ou le débat vous-même."
)


def ready_made_launch(*, teacher, guide: LessonTeacherGuide, classroom):
    """The Consultation (draft) or the Debate (open) made in `classroom`. Raises the services'
    ConsultationError or DebateError (nothing created) when they refuse, ValueError with a
    message for the teacher when the guide's data is not a valid ready-made question."""
    try:
        data = ready_made_clean(guide.ready_made)
    except ReadyMadeInvalid as error:
        raise ValueError(READY_MADE_INVALID_MESSAGE.format(reason=error)) from None
    if data["kind"] == "debate":
        return debate_create(
            owner=teacher, classrooms=[classroom], thesis=data["thesis"], context=data["context"]
        )
    return consultation_create(
        owner=teacher,
        classrooms=[classroom],
        title=data["title"],
        context=data["context"],
        method=data["method"],
        options=data["options"],
        sources=data["sources"],
    )
