"""The site replica follows eldercare.institutions, idempotently and version-guarded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.events import envelope_for
from shared.events.eldercare import InstitutionRegistered
from shared.testing import Harness
from shared.testing.harness import wait_until
from tests.integration.support import INSTITUTIONS, change_status, site


async def test_a_redelivered_event_is_applied_once(svc: Harness):
    site_id = uuid.uuid4()
    event = InstitutionRegistered(
        institution_id=site_id,
        filing_no="F-1",
        name="资阳区社会福利中心",
        kind="ELDERCARE_SAFETY_NET",
        county_code="430902",
        township_code="430902001",
        beds=60,
        head_person_id=uuid.uuid4(),
        status="ACTIVE",
        registered_at=datetime(2016, 5, 1, tzinfo=UTC),
    )
    envelope = envelope_for(event, source="eldercare", version=1, time=datetime.now(UTC))
    await svc.publish(envelope, topic=INSTITUTIONS)
    await svc.publish(envelope, topic=INSTITUTIONS)

    async def both_seen() -> bool:
        return bool(
            await svc.pool.fetchval(
                "SELECT count(*) FROM inbox WHERE event_id = $1", uuid.UUID(envelope.id)
            )
            == 1
            and await svc.pool.fetchval("SELECT count(*) FROM site_replica WHERE id = $1", site_id)
            == 1
        )

    await wait_until(both_seen, timeout=30)
    row = await svc.pool.fetchrow("SELECT * FROM site_replica WHERE id = $1", site_id)
    assert row is not None
    assert (row["kind"], row["status"], row["version"]) == ("ELDERCARE_SAFETY_NET", "ACTIVE", 1)


async def test_a_status_change_is_followed_and_an_older_event_never_reverts_it(svc: Harness):
    site_id = await site(svc)
    await change_status(svc, site_id, "CLOSED", version=2)
    # A replay of the registration (version 1) arrives late: the replica keeps version 2.
    stale = InstitutionRegistered(
        institution_id=uuid.UUID(site_id),
        filing_no="F-2",
        name="旧名称养老院",
        kind="ELDERCARE_PRIVATE",
        county_code="430903",
        township_code="430903001",
        beds=20,
        head_person_id=uuid.uuid4(),
        status="ACTIVE",
        registered_at=datetime(2016, 5, 1, tzinfo=UTC),
    )
    envelope = envelope_for(stale, source="eldercare", version=1, time=datetime.now(UTC))
    marker = await site(svc)  # published after the stale event: once it is in, so is the stale one
    await svc.publish(envelope, topic=INSTITUTIONS)
    await change_status(svc, marker, "SUSPENDED", version=2)
    row = await svc.pool.fetchrow(
        "SELECT status, version FROM site_replica WHERE id = $1", uuid.UUID(site_id)
    )
    assert row is not None
    assert (row["status"], row["version"]) == ("CLOSED", 2)
    listed = await svc.client.get("/sites?limit=500", headers=svc.auth("auditor"))
    assert any(s["id"] == site_id and s["status"] == "CLOSED" for s in listed.json())
