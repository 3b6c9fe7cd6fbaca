"""Deterministic ids: ``uuid5(DEMO_NS, "<kind>:<code>")`` (DOMAIN §11.1), and who is who."""

from __future__ import annotations

import uuid
from functools import cache

from shared.http.auth import principal_for

DEMO_NS = uuid.UUID("5d1c3e2a-2024-5130-8a11-000020241130")
# The bureau as an inspection site (inspection's README: a fixed id, always active).
BUREAU_SITE = "BUREAU"


@cache
def uid(kind: str, code: str) -> str:
    """The id of a demo object, as a string ready for a JSON body."""
    return str(uuid.uuid5(DEMO_NS, f"{kind}:{code}"))


def person_of(token_key: str) -> str:
    """The person id behind a dev token key (``safety_lead``, ``inspector_2`` …)."""
    return str(principal_for(token_key).person_id)


# People who act through their own token, so that rules on persons (the safety lead's
# extension, a verifier's authority, "the recipient only" acks) hold for them.
L1 = person_of("main_leader")  # 党组书记/局长, MAIN_LEADER
S1 = person_of("safety_lead")  # TEAM_MEMBER + SAFETY_LEAD
L2, L3, L4 = (uid("person", f"L{n}") for n in (2, 3, 4))  # TEAM_MEMBERs
STAFF_KEYS = ("inspector", "inspector_2", "inspector_3", "inspector_4")  # STAFF-01..04
STAFF = tuple(person_of(key) for key in STAFF_KEYS)
ELDERCARE_DUTY_OFFICER = person_of("caseworker")
CHARITY_OFFICER = person_of("finance_officer")


def site_code(n: int) -> str:
    """``INST-001`` … ``INST-044``."""
    return f"INST-{n:03d}"


def site(n: int) -> str:
    """The id of institution number ``n``."""
    return uid("institution", site_code(n))


def site_head(n: int) -> str:
    """The head (院长) of institution ``n``."""
    return uid("person", f"{site_code(n)}-head")


def site_safety_officer(n: int) -> str:
    """The safety officer of institution ``n``: the responsible person of its hazards."""
    return uid("person", f"{site_code(n)}-safety")
