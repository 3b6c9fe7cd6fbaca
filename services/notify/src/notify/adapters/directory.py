"""The role directory and the domain-state replica: SQL over leaders, sites, branches, hazards."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from notify.adapters.db import Conn
from notify.domain.policy import HazardState
from notify.service_layer.planning import Hazard, Site, Snapshot

_UPSERT_LEADER = """
INSERT INTO leaders (person_id, roles, active, version) VALUES ($1, $2, $3, $4)
ON CONFLICT (person_id) DO UPDATE SET roles = EXCLUDED.roles, active = EXCLUDED.active,
    version = EXCLUDED.version
WHERE leaders.version < EXCLUDED.version
"""
_UPSERT_SITE = """
INSERT INTO sites (site_id, name, county_code, head_person_id, status, version)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (site_id) DO UPDATE SET name = EXCLUDED.name, county_code = EXCLUDED.county_code,
    head_person_id = EXCLUDED.head_person_id, status = EXCLUDED.status, version = EXCLUDED.version
WHERE sites.version < EXCLUDED.version
"""
_UPSERT_BRANCH = """
INSERT INTO branches (branch_id, corps_id, name, county_code, leader_person_id, active)
VALUES ($1, $2, $3, $4, $5, true)
ON CONFLICT (branch_id) DO UPDATE SET name = EXCLUDED.name, county_code = EXCLUDED.county_code,
    leader_person_id = EXCLUDED.leader_person_id
"""
# A hazard's replica: created by whichever of its events arrives, each field kept when absent.
_UPSERT_HAZARD = """
INSERT INTO hazards (hazard_id, hazard_no, site_id, category, level, status,
    responsible_person_id, verifier_id, deadline_on, version)
VALUES ($1, $2, $3, $4, $5, COALESCE($6::text, 'IN_RECTIFICATION'), $7, $8, $9, $10)
ON CONFLICT (hazard_id) DO UPDATE SET
    hazard_no = COALESCE(EXCLUDED.hazard_no, hazards.hazard_no),
    category = COALESCE(EXCLUDED.category, hazards.category),
    level = COALESCE(EXCLUDED.level, hazards.level),
    status = COALESCE($6::text, hazards.status),
    responsible_person_id = COALESCE(EXCLUDED.responsible_person_id, hazards.responsible_person_id),
    verifier_id = COALESCE(EXCLUDED.verifier_id, hazards.verifier_id),
    deadline_on = COALESCE(EXCLUDED.deadline_on, hazards.deadline_on),
    version = EXCLUDED.version
WHERE hazards.version < EXCLUDED.version
"""

# How each hazard event moves the replica's status (None: no change; a reminder about a hazard
# not seen before implies it is being rectified).
HAZARD_STATUS: Mapping[str, str | None] = {
    "inspection.hazard.reported.v1": "REPORTED",
    "inspection.hazard.rectification_assigned.v1": "IN_RECTIFICATION",
    "inspection.hazard.deadline_extended.v1": None,
    "inspection.hazard.rectification_submitted.v1": "SUBMITTED",
    "inspection.hazard.rectification_rejected.v1": "IN_RECTIFICATION",
    "inspection.hazard.rectification_verified.v1": "VERIFIED",
    "inspection.hazard.deadline_approaching.v1": None,
    "inspection.hazard.overdue.v1": None,
    "inspection.hazard.escalated.v1": None,
}


def _uuid(value: Any) -> UUID | None:
    return UUID(str(value)) if value else None


async def upsert_leader(
    conn: Conn, person_id: UUID, roles: list[str], *, active: bool, version: int
) -> None:
    """Apply LeaderAssigned / LeaderRemoved (older versions are ignored)."""
    await conn.execute(_UPSERT_LEADER, person_id, roles, active, version)


async def upsert_site(conn: Conn, data: Mapping[str, Any], version: int) -> None:
    """Apply InstitutionRegistered."""
    await conn.execute(
        _UPSERT_SITE,
        UUID(str(data["institution_id"])),
        data["name"],
        data["county_code"],
        UUID(str(data["head_person_id"])),
        data["status"],
        version,
    )


async def set_site_status(conn: Conn, site_id: UUID, status: str, version: int) -> None:
    """Apply InstitutionStatusChanged (only to a site already known)."""
    await conn.execute(
        "UPDATE sites SET status = $2, version = $3 WHERE site_id = $1 AND version < $3",
        site_id,
        status,
        version,
    )


async def upsert_branch(conn: Conn, data: Mapping[str, Any]) -> None:
    """Apply VolunteerBranchFounded."""
    await conn.execute(
        _UPSERT_BRANCH,
        UUID(str(data["branch_id"])),
        UUID(str(data["corps_id"])),
        data["name"],
        data["county_code"],
        _uuid(data.get("leader_person_id")),
    )


async def dissolve_branch(conn: Conn, branch_id: UUID) -> None:
    """Apply VolunteerBranchDissolved."""
    await conn.execute("UPDATE branches SET active = false WHERE branch_id = $1", branch_id)


async def apply_hazard(conn: Conn, event_type: str, data: Mapping[str, Any], version: int) -> None:
    """Fold a hazard event into the replica (a stale version changes nothing)."""
    deadline = data.get("new_deadline_on") or data.get("deadline_on")
    await conn.execute(
        _UPSERT_HAZARD,
        UUID(str(data["hazard_id"])),
        data.get("hazard_no"),
        UUID(str(data["site_id"])),
        data.get("category"),
        data.get("level"),
        HAZARD_STATUS.get(event_type),
        _uuid(data.get("responsible_person_id")),
        _uuid(data.get("verifier_id")),
        _as_date(deadline),
        version,
    )


def _as_date(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def hazard(conn: Conn, hazard_id: UUID) -> Hazard | None:
    """The replica of one hazard."""
    row = await conn.fetchrow("SELECT * FROM hazards WHERE hazard_id = $1", hazard_id)
    if row is None:
        return None
    state = HazardState(
        status=row["status"],
        deadline_on=row["deadline_on"],
        responsible_person_id=str(row["responsible_person_id"])
        if row["responsible_person_id"]
        else None,
    )
    return Hazard(row["hazard_no"], row["site_id"], row["category"], row["level"], state)


async def site(conn: Conn, site_id: UUID | None) -> Site | None:
    """One site of the directory."""
    if site_id is None:
        return None
    row = await conn.fetchrow("SELECT * FROM sites WHERE site_id = $1", site_id)
    return Site(row["name"], row["county_code"], row["head_person_id"]) if row else None


async def leaders_with(conn: Conn, role: str) -> list[UUID]:
    """Active leaders holding a role, in a stable order."""
    rows = await conn.fetch(
        "SELECT person_id FROM leaders WHERE active AND $1 = ANY(roles) ORDER BY person_id", role
    )
    return [r["person_id"] for r in rows]


async def branch_leaders(conn: Conn, county_code: str | None) -> list[UUID]:
    """Leaders of the active volunteer branches of a county."""
    if not county_code:
        return []
    rows = await conn.fetch(
        "SELECT DISTINCT leader_person_id FROM branches WHERE active AND county_code = $1 "
        "AND leader_person_id IS NOT NULL ORDER BY leader_person_id",
        county_code,
    )
    return [r["leader_person_id"] for r in rows]


async def snapshot(
    conn: Conn, data: Mapping[str, Any], *, duty: UUID | None, charity: UUID | None
) -> Snapshot:
    """Everything the routing of one event may need."""
    snap = Snapshot(eldercare_duty_officer=duty, charity_officer=charity)
    if data.get("hazard_id"):
        snap.hazard = await hazard(conn, UUID(str(data["hazard_id"])))
    site_id = data.get("site_id") or (snap.hazard.site_id if snap.hazard else None)
    snap.site = await site(conn, _uuid(site_id))
    snap.main_leaders = await leaders_with(conn, "MAIN_LEADER")
    snap.safety_leads = await leaders_with(conn, "SAFETY_LEAD")
    if data.get("case_id"):
        snap.case_county = data.get("county_code") or await conn.fetchval(
            "SELECT county_code FROM missing_cases WHERE case_id = $1", UUID(str(data["case_id"]))
        )
        snap.branch_leaders = await branch_leaders(conn, snap.case_county)
    for target in data.get("target_site_ids", ()):
        found = await site(conn, UUID(str(target)))
        if found is not None:
            snap.target_site_heads.append((found.head_person_id, found.name))
    return snap


async def ladder_people(
    conn: Conn, subject_id: UUID | None, responsible: UUID | None
) -> dict[str, list[UUID]]:
    """Who stands on each rung of the hazard ladder right now (resolved at escalation time)."""
    found = await hazard(conn, subject_id) if subject_id else None
    head = await site(conn, found.site_id) if found else None
    resp = found.state.responsible_person_id if found else None
    return {
        "responsible": [UUID(resp)] if resp else ([responsible] if responsible else []),
        "site_head": [head.head_person_id] if head else [],
        "safety_lead": await leaders_with(conn, "SAFETY_LEAD"),
        "main_leader": await leaders_with(conn, "MAIN_LEADER"),
    }
