"""Who may do what: the eldercare permission matrix (documented in the service README).

Roles come from the bearer token. Personal data is readable in clear only with a scope:
``pii:read`` (name, ID number, phone, address, birth date, emergency contacts),
``special:read`` (特困/低保… basis), ``health:read`` (ability level, dementia risk) and
``volunteer_pii:read`` (volunteers' name, phone, birth date). Every clear read is audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from shared.http.auth import Principal, require

CASEWORKER = "caseworker"
INSTITUTION_STAFF = "institution_staff"
VOLUNTEER_COORDINATOR = "volunteer_coordinator"
AUDITOR = "auditor"
ADMIN = "admin"
ALL_STAFF = (CASEWORKER, INSTITUTION_STAFF, VOLUNTEER_COORDINATOR, AUDITOR, ADMIN)

# Scopes per role: least privilege. The registry admin and the auditor see masked data only.
SCOPES: dict[str, frozenset[str]] = {
    CASEWORKER: frozenset({"pii:read", "special:read", "health:read"}),
    VOLUNTEER_COORDINATOR: frozenset({"volunteer_pii:read"}),
}

# Field groups of an elder and the scope each needs.
ELDER_FIELD_SCOPES = {
    "pii:read": ("name", "id_card_no", "phone", "address", "birth_date", "emergency_contacts"),
    "special:read": ("special_basis",),
    "health:read": ("ability_level", "dementia_risk"),
}


def scopes_of(principal: Principal) -> frozenset[str]:
    """The personal-data scopes of a caller."""
    return SCOPES.get(principal.role, frozenset())


def readable_elder_fields(principal: Principal) -> tuple[str, ...]:
    """The elder fields this caller may read in clear."""
    scopes = scopes_of(principal)
    return tuple(f for scope, group in ELDER_FIELD_SCOPES.items() if scope in scopes for f in group)


# The permission matrix (README "Permission matrix"): each group of routes and the roles it admits.
MATRIX: dict[str, tuple[str, ...]] = {
    "read": ALL_STAFF,
    "register_institution": (ADMIN,),
    "manage_site": (ADMIN, INSTITUTION_STAFF),
    "caseworker": (CASEWORKER,),
    "care": (CASEWORKER, INSTITUTION_STAFF),
    "meals": (CASEWORKER, INSTITUTION_STAFF),
    "meal_points": (CASEWORKER, ADMIN),
    "missing_cases": (CASEWORKER, INSTITUTION_STAFF, VOLUNTEER_COORDINATOR),
    "volunteers": (VOLUNTEER_COORDINATOR,),
    # Clear reads need the scope: pii:read for elders, volunteer_pii:read for volunteers.
    "elder_pii": tuple(r for r, s in SCOPES.items() if "pii:read" in s),
    "volunteer_pii": tuple(r for r, s in SCOPES.items() if "volunteer_pii:read" in s),
    # A yellow wristband implies dementia risk (DOMAIN §9.1: health data): health:read only.
    "wristband_read": tuple(r for r, s in SCOPES.items() if "health:read" in s),
    "erase": (ADMIN,),
    "audit": (AUDITOR, ADMIN),
    "admin": (ADMIN,),
}


def _role(group: str) -> Any:
    return Depends(require(*MATRIX[group]))


Reader = Annotated[Principal, _role("read")]
RegistryAdmin = Annotated[Principal, _role("register_institution")]
SiteManager = Annotated[Principal, _role("manage_site")]
Caseworker = Annotated[Principal, _role("caseworker")]
CareStaff = Annotated[Principal, _role("care")]
MealStaff = Annotated[Principal, _role("meals")]
MealPointManager = Annotated[Principal, _role("meal_points")]
MissingReporter = Annotated[Principal, _role("missing_cases")]
Coordinator = Annotated[Principal, _role("volunteers")]
PiiReader = Annotated[Principal, _role("elder_pii")]
VolunteerPiiReader = Annotated[Principal, _role("volunteer_pii")]
WristbandReader = Annotated[Principal, _role("wristband_read")]
Eraser = Annotated[Principal, _role("erase")]
AuditReader = Annotated[Principal, _role("audit")]
Admin = Annotated[Principal, _role("admin")]
