from .accounts import PupilProfile, User
from .schools import Classroom, School, SchoolMembershipRequest
from .territories import Academie, Departement, DepartementKind, Region

__all__ = [
    "Academie",
    "Classroom",
    "Departement",
    "DepartementKind",
    "PupilProfile",
    "Region",
    "School",
    "SchoolMembershipRequest",
    "User",
]
