from .feeds import FeedFact, FeedFactQuerySet, FeedFile, FeedRejection, fact_constraints
from .organisations import Organisation, Role, UserProfile
from .places import Place, kato_ancestors, kato_level
from .reference import DayOffTransfer, KnpCode, MciRate, OkedCode, OkedSection, Region

__all__ = [
    "DayOffTransfer",
    "FeedFact",
    "FeedFactQuerySet",
    "FeedFile",
    "FeedRejection",
    "KnpCode",
    "MciRate",
    "OkedCode",
    "OkedSection",
    "Organisation",
    "Place",
    "Region",
    "Role",
    "UserProfile",
    "fact_constraints",
    "kato_ancestors",
    "kato_level",
]
