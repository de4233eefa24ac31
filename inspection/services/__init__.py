"""Writes of inspections and accidents (INTERFACES.md § Inspection; seed 003, forms
1-МЕИЖМ and 2-ӨЖ).

The REST API and the inspectors' pages write through these functions; the
shape of what they take is ``inspection.shapes``. A rule violation raises
``ValidationError`` keyed by field path (``"started_on"``,
``"violations[1].eliminated_on"``, ``"investigation.referrals[0].sent_on"``); all
errors of one call are reported together. Writing outside one's region raises
``PermissionDenied``. A call that fails writes nothing.

Child lists (violations, orders, ... victims) given to an update replace the
stored list (``children``); a list not given is left as it is.
"""

from .accidents import accident_create, accident_update
from .inspections import inspection_create, inspection_update

__all__ = ["accident_create", "accident_update", "inspection_create", "inspection_update"]
