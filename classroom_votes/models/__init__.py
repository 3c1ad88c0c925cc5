from .ballots import Ballot, Participation, Tally
from .consultations import (
    FIXED_ANSWERS,
    Consultation,
    ConsultationClassroom,
    ConsultationOption,
    ConsultationSource,
    ConsultationStatus,
    Phase,
    ResultsVisibility,
    SourcePanel,
)
from .national import NationalQuestion, NationalQuestionOption, NationalQuestionSource

__all__ = [
    "FIXED_ANSWERS",
    "Ballot",
    "Consultation",
    "ConsultationClassroom",
    "ConsultationOption",
    "ConsultationSource",
    "ConsultationStatus",
    "NationalQuestion",
    "NationalQuestionOption",
    "NationalQuestionSource",
    "Participation",
    "Phase",
    "ResultsVisibility",
    "SourcePanel",
    "Tally",
]
