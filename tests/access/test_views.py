"""views: the authorization matrix (``views...http.roles``) and the audited elder 360."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from shared.clock import SimulatedClock
from shared.events import envelope_for
from shared.events.eldercare import ElderRegistered
from shared.testing import Harness, start_service
from tests.access.matrix import PLATFORM, PUBLIC, ROLES, MatrixTests, Probe, Roles, is_problem
from tests.access.world import arrived, id_card, institution_event, person
from views.config import Settings
from views.entrypoints.http import roles as r
from views.entrypoints.service import definition

NOW = datetime(2024, 11, 30, 12, 0, tzinfo=UTC)  # 20:00 in Yiyang
TABLE: dict[str, Roles] = {
    **PLATFORM,
    "GET /": PUBLIC,
    "GET /static/{name}": PUBLIC,
    "GET /dashboard/data": r.READER_ROLES,
    "GET /reports/ytd": r.READER_ROLES,
    "GET /reports/lottery-fund": r.READER_ROLES,
    "GET /views/institutions": r.READER_ROLES,
    "GET /views/institutions/{site_id}": r.READER_ROLES,
    "GET /views/elders/{elder_id}": r.ELDER_360_ROLES,
    "GET /views/elders/{elder_id}/reads": r.AUDIT_ROLES,
    "GET /views/hazards": r.READER_ROLES,
    "GET /views/cadence": r.READER_ROLES,
    "GET /views/work-notices": r.READER_ROLES,
    "GET /status": r.STATUS_ROLES,
    "POST /_admin/rebuilds": r.ADMIN_ROLES,
}


@pytest.fixture(scope="module")
async def svc(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Harness]:
    """One views service for the module."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=SimulatedClock(NOW),
    ) as harness:
        yield harness


async def elder_event(svc: Harness) -> str:
    """An elder registered in eldercare, once views has projected it; its id."""
    elder_id = uuid.uuid4()
    at = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    event = ElderRegistered(
        elder_id=elder_id,
        age_band="80-89",
        sex="F",
        county_code="430903",
        township_code="430903001",
        care_pillars=("HOME",),
        registered_at=at,
    )
    await svc.publish(
        envelope_for(event, source="eldercare", version=1, time=at), topic=event.TOPIC
    )
    await arrived(svc, "p_elders", "elder_id", elder_id)
    return str(elder_id)


@pytest.fixture(scope="module")
async def probe(svc: Harness) -> Probe:
    """The service's routes, with a site and an elder projected from eldercare's events."""
    site = await institution_event(svc, replica=("p_sites", "site_id"))
    return Probe(
        svc,
        TABLE,
        world={"site_id": site, "elder_id": await elder_event(svc)},
        fixed={"name": "dashboard.js"},
        # A rebuild of everything would run for the rest of the module: name none instead.
        body={"POST /_admin/rebuilds": {"projection": "no-such-projection"}},
    )


class TestViewsMatrix(MatrixTests):
    """Every views route, every role."""


async def reads_of(svc: Harness, elder_id: str) -> list[tuple[str, str, str, bool]]:
    """The elder-360 audit rows of an elder: actor, role, purpose, found."""
    rows = await svc.pool.fetch(
        "SELECT actor_person_id, actor_role, purpose, found FROM elder_read_audit "
        "WHERE elder_id = $1 ORDER BY audit_id",
        uuid.UUID(elder_id),
    )
    return [(str(r[0]), r[1], r[2], r[3]) for r in rows]


async def test_elder_360_is_read_by_its_roles_only_and_every_read_is_audited(
    svc: Harness, probe: Probe
) -> None:
    elder = await elder_event(svc)
    path = f"/views/elders/{elder}"
    for role in r.ELDER_360_ROLES:
        read = await svc.client.get(path, params={"purpose": "个案回访"}, headers=svc.auth(role))
        assert read.status_code == 200, read.text
        assert read.json()["personal_details"]["service"] == "eldercare"
        assert elder not in read.json()["elder_ref"], "the id is shown masked"
    expected = [(person(role), role, "个案回访", True) for role in r.ELDER_360_ROLES]
    assert await reads_of(svc, elder) == expected
    # Decision: a refused read is not audited (as in eldercare, charity and notify): the 403
    # comes from the token alone, before the elder is looked up, and discloses nothing.
    for role in sorted(set(ROLES) - set(r.ELDER_360_ROLES)):
        refused = await svc.client.get(path, headers=svc.auth(role))
        assert is_problem(refused, 403, "forbidden_role") is None, role
    assert is_problem(await svc.client.get(path), 401, "unauthenticated") is None
    # A look-up of an unknown elder is audited too (found = false): probing ids leaves a trace.
    ghost = str(uuid.uuid4())
    missing = await svc.client.get(f"/views/elders/{ghost}", headers=svc.auth("auditor"))
    assert is_problem(missing, 404, "unknown_elder") is None
    assert await reads_of(svc, ghost) == [(person("auditor"), "auditor", "个案服务", False)]
    assert await reads_of(svc, elder) == expected


async def test_a_purpose_holding_an_id_card_or_phone_number_is_refused_and_not_stored(
    svc: Harness, probe: Probe
) -> None:
    # views never stores personal data (DOMAIN §9.2): not even in its audit trail's purpose.
    elder = await elder_event(svc)
    for purpose in (f"核实 {id_card()}", "回电 13912345678"):
        read = await svc.client.get(
            f"/views/elders/{elder}", params={"purpose": purpose}, headers=svc.auth("caseworker")
        )
        assert is_problem(read, 422, "pii_in_free_text") is None
        assert purpose not in read.text
    assert await reads_of(svc, elder) == []
