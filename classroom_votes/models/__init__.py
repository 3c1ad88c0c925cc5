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

__all__ = [
    "FIXED_ANSWERS",
    "Ballot",
    "Consultation",
    "ConsultationClassroom",
    "ConsultationOption",
    "ConsultationSource",
    "ConsultationStatus",
    "Participation",
    "Phase",
    "ResultsVisibility",
    "SourcePanel",
    "Tally",
]
