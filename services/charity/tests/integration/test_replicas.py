"""The eldercare replicas: elders and institutions known from events only, applied once."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from shared.events import envelope_for, event_id_for
from shared.events.eldercare import (
    ElderDeceased,
    ElderMovedOut,
    ElderRegistered,
    InstitutionRegistered,
    InstitutionStatusChanged,
)
from shared.testing import Harness
from shared.testing.harness import wait_until
from tests.integration.helpers import NOW, Api, problem

EARLIER = NOW - timedelta(days=30)


async def register_elder(svc: Harness, elder_id: uuid.UUID, at: datetime = EARLIER) -> None:
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
        envelope_for(event, source="eldercare", version=1, time=at), topic="eldercare.elders"
    )


async def elder_died(svc: Harness, elder_id: uuid.UUID, version: int = 3) -> None:
    event = ElderDeceased(elder_id=elder_id, died_on=date(2024, 11, 20))
    envelope = envelope_for(
        event, source="eldercare", version=version, time=NOW - timedelta(days=9)
    )
    await svc.publish(envelope, topic="eldercare.elders")


async def replica_row(svc: Harness, elder_id: uuid.UUID, **expected: object) -> None:
    async def matches() -> bool:
        row = await svc.pool.fetchrow("SELECT * FROM elder_replica WHERE elder_id = $1", elder_id)
        return row is not None and all(row[k] == v for k, v in expected.items())

    await wait_until(matches, timeout=30)


async def test_a_registered_elder_becomes_a_beneficiary_without_any_call_to_eldercare(
    api: Api, svc: Harness
) -> None:
    elder_id = uuid.uuid4()
    await register_elder(svc, elder_id)
    await replica_row(svc, elder_id, registered=True)
    elder = await api.ok(
        "/beneficiaries", {"kind": "ELDER", "elder_id": str(elder_id)}, "caseworker"
    )
    assert elder["county_code"] == "430903"  # from the replica
    assert elder["personal"] == {}
    [event] = await api.events("charity.beneficiaries", elder["id"])
    assert event["data"]["elder_id"] == str(elder_id)
    async with api.emits_nothing():
        twice = await api.post(
            "/beneficiaries", {"kind": "ELDER", "elder_id": str(elder_id)}, "caseworker"
        )
        problem(twice, 409, "duplicate_beneficiary")


async def test_a_death_deactivates_the_elders_benefits_once_even_when_delivered_twice(
    api: Api, svc: Harness
) -> None:
    elder_id = uuid.uuid4()
    await register_elder(svc, elder_id)
    await replica_row(svc, elder_id, registered=True)
    canteen = await api.project("ELDER_CANTEEN", "SUPPORT_ELDERLY")
    elder = await api.ok(
        "/beneficiaries", {"kind": "ELDER", "elder_id": str(elder_id)}, "caseworker"
    )
    await api.enrol(elder["id"], canteen["id"])
    fund = await api.fund("DONATION", credit=100_000)
    allocation = await api.allocation(fund, canteen, 100_000)
    await elder_died(svc, elder_id)
    await elder_died(svc, elder_id)  # redelivered
    await replica_row(svc, elder_id, status="DECEASED")

    async def deactivated() -> bool:
        status = await svc.pool.fetchval(
            "SELECT status FROM beneficiaries WHERE id = $1", elder["id"]
        )
        return bool(status == "INACTIVE")

    await wait_until(deactivated, timeout=30)
    await svc.drained()
    events = await api.events("charity.beneficiaries", elder["id"])
    stops = [e for e in events if e["type"] == "charity.beneficiary.deactivated.v1"]
    assert len(stops) == 1
    assert stops[0]["data"]["reason_code"] == "ELDER_DECEASED"
    assert stops[0]["causationid"]
    state = (await api.get(f"/beneficiaries/{elder['id']}")).json()
    assert state["enrolled_project_ids"] == []
    async with api.emits_nothing():
        problem(
            await api.disburse(allocation["id"], elder["id"], 1_000), 409, "beneficiary_inactive"
        )
    # A late duplicate under a new version (a new event id) changes nothing either.
    await elder_died(svc, elder_id, version=4)
    late_id = event_id_for("elder", str(elder_id), 4)

    async def applied() -> bool:
        return bool(await svc.pool.fetchval("SELECT 1 FROM inbox WHERE event_id = $1", late_id))

    await wait_until(applied, timeout=30)
    await replica_row(svc, elder_id, status="DECEASED", status_version=3)
    events = await api.events("charity.beneficiaries", elder["id"])
    assert [e["type"] for e in events].count("charity.beneficiary.deactivated.v1") == 1


async def test_a_death_seen_before_the_registration_is_kept(api: Api, svc: Harness) -> None:
    elder_id = uuid.uuid4()
    await elder_died(svc, elder_id)
    await replica_row(svc, elder_id, status="DECEASED", registered=False)
    async with api.emits_nothing():
        early = await api.post(
            "/beneficiaries", {"kind": "ELDER", "elder_id": str(elder_id)}, "caseworker"
        )
        problem(early, 422, "unknown_reference")
    await register_elder(svc, elder_id)
    await replica_row(svc, elder_id, status="DECEASED", registered=True, county_code="430903")
    async with api.emits_nothing():
        late = await api.post(
            "/beneficiaries", {"kind": "ELDER", "elder_id": str(elder_id)}, "caseworker"
        )
        problem(late, 409, "elder_not_active")


async def test_moving_out_deactivates_too(api: Api, svc: Harness) -> None:
    elder_id = uuid.uuid4()
    await register_elder(svc, elder_id)
    await replica_row(svc, elder_id, registered=True)
    elder = await api.ok(
        "/beneficiaries", {"kind": "ELDER", "elder_id": str(elder_id)}, "caseworker"
    )
    moved = ElderMovedOut(elder_id=elder_id, moved_out_on=date(2024, 11, 1))
    envelope = envelope_for(moved, source="eldercare", version=2, time=NOW - timedelta(days=20))
    await svc.publish(envelope, topic="eldercare.elders")

    async def stopped() -> bool:
        reason = await svc.pool.fetchval(
            "SELECT deactivation_reason FROM beneficiaries WHERE id = $1", elder["id"]
        )
        return bool(reason == "ELDER_MOVED_OUT")

    await wait_until(stopped, timeout=30)


async def test_institution_beneficiaries_follow_the_institution_replica(
    api: Api, svc: Harness
) -> None:
    institution_id = uuid.uuid4()
    registered = InstitutionRegistered(
        institution_id=institution_id,
        filing_no="BA-" + institution_id.hex[:6],
        name="赫山区社会福利院",
        kind="SOCIAL_WELFARE_HOME",
        county_code="430903",
        township_code="430903001",
        beds=120,
        head_person_id=uuid.uuid4(),
        status="ACTIVE",
        registered_at=EARLIER,
    )
    await svc.publish(
        envelope_for(registered, source="eldercare", version=1, time=EARLIER),
        topic="eldercare.institutions",
    )

    async def known() -> bool:
        return bool(
            await svc.pool.fetchval(
                "SELECT registered FROM institution_replica WHERE institution_id = $1",
                institution_id,
            )
        )

    await wait_until(known, timeout=30)
    site = await api.ok(
        "/beneficiaries",
        {"kind": "INSTITUTION", "institution_id": str(institution_id)},
        "caseworker",
    )
    subsidy = await api.project("INSTITUTION_SUBSIDY", "SUPPORT_ELDERLY")
    fund = await api.fund("DONATION", credit=5_000_000)
    allocation = await api.allocation(fund, subsidy, 5_000_000)
    closed = InstitutionStatusChanged(
        institution_id=institution_id, status="CLOSED", changed_at=NOW, reason_code="CLOSED_DOWN"
    )
    await svc.publish(
        envelope_for(closed, source="eldercare", version=2, time=NOW),
        topic="eldercare.institutions",
    )

    async def is_closed() -> bool:
        status = await svc.pool.fetchval(
            "SELECT status FROM institution_replica WHERE institution_id = $1", institution_id
        )
        return bool(status == "CLOSED")

    await wait_until(is_closed, timeout=30)
    async with api.emits_nothing():
        problem(
            await api.disburse(allocation["id"], site["id"], 1_000), 409, "beneficiary_inactive"
        )
