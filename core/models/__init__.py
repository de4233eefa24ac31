from .organisations import Organisation, Role, UserProfile
from .reference import DayOffTransfer, KnpCode, MciRate, OkedCode, OkedSection, Region

__all__ = [
    "DayOffTransfer",
    "KnpCode",
    "MciRate",
    "OkedCode",
    "OkedSection",
    "Organisation",
    "Region",
    "Role",
    "UserProfile",
]
