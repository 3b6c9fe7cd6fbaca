"""Who may do what: the eldercare permission matrix (documented in the service README).

Roles come from the bearer token. Personal data is readable in clear only with a scope:
``pii:read`` (name, ID number, phone, address, birth date, emergency contacts),
``special:read`` (特困/低保… basis), ``health:read`` (ability level, dementia risk) and
``volunteer_pii:read`` (volunteers' name, phone, birth date). Every clear read is audited.
"""

from __future__ import annotations

from typing import Annotated

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


Reader = Annotated[Principal, Depends(require(*ALL_STAFF))]
RegistryAdmin = Annotated[Principal, Depends(require(ADMIN))]
SiteManager = Annotated[Principal, Depends(require(ADMIN, INSTITUTION_STAFF))]
Caseworker = Annotated[Principal, Depends(require(CASEWORKER))]
CareStaff = Annotated[Principal, Depends(require(CASEWORKER, INSTITUTION_STAFF))]
MealStaff = Annotated[Principal, Depends(require(CASEWORKER, INSTITUTION_STAFF))]
MealPointManager = Annotated[Principal, Depends(require(CASEWORKER, ADMIN))]
MissingReporter = Annotated[
    Principal, Depends(require(CASEWORKER, INSTITUTION_STAFF, VOLUNTEER_COORDINATOR))
]
Coordinator = Annotated[Principal, Depends(require(VOLUNTEER_COORDINATOR))]
PiiReader = Annotated[Principal, Depends(require(CASEWORKER))]
VolunteerPiiReader = Annotated[Principal, Depends(require(VOLUNTEER_COORDINATOR))]
Eraser = Annotated[Principal, Depends(require(ADMIN))]
AuditReader = Annotated[Principal, Depends(require(AUDITOR, ADMIN))]
Admin = Annotated[Principal, Depends(require(ADMIN))]
