from .accounts import PupilProfile, User
from .schools import Classroom, School
from .territories import Academie, Departement, Region

__all__ = [
    "Academie",
    "Classroom",
    "Departement",
    "PupilProfile",
    "Region",
    "School",
    "User",
]
