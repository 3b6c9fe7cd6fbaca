"""The leadership group: roles, the one-safety-lead and at-least-one-main-leader invariants."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from inspection.config import Settings
from inspection.entrypoints.app import definition
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.integration.support import (
    campaign,
    data,
    inspection,
    local,
    post,
    published,
    rejected,
    site,
)

TOPIC = "inspection.leaders"


@pytest.fixture(scope="module")
async def fresh(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Harness]:
    """A service of its own: these tests change the whole group."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=SimulatedClock(local(2024, 1, 2)),
        sweeper_enabled=False,
    ) as harness:
        yield harness


async def put(svc: Harness, person_id: str, roles: list[str], *, role: str = "admin"):
    return await svc.client.put(
        f"/leaders/{person_id}",
        json={"roles": roles, "effective_from": "2024-01-01"},
        headers=svc.auth(role),
    )


async def test_before_the_group_is_recorded_its_member_rules_do_not_refuse(fresh: Harness):
    # Runs first in this module, while the group is empty.
    # DOMAIN §11: December 2023 has weekly inspections and a work notice; the group is recorded
    # on 2024-01-02. Until then nobody can be "the safety lead", so the rules cannot apply.
    site_id, campaign_id = await site(fresh), await campaign(fresh, start_on="2023-12-01")
    weekly = await inspection(
        fresh,
        site_id=site_id,
        campaign_id=campaign_id,
        type_="ROUTINE_WEEKLY",
        planned_on="2023-12-06",
        lead=str(uuid.uuid4()),
    )
    assert weekly["status"] == "SCHEDULED"
    notice = await post(
        fresh,
        "/work-notices",
        {"title": "年末安全提示", "target_site_ids": [site_id], "ack_due_on": "2024-01-05"},
        "safety_lead",
    )
    assert (await post(fresh, f"/work-notices/{notice['id']}/issue", {}, "safety_lead"))[
        "status"
    ] == "ISSUED"
    # (Once a member exists the rules hold: see test_inspections and test_notices.)


async def test_the_group_keeps_a_main_leader_and_exactly_one_safety_lead(fresh: Harness):
    l1, l2, s1, s2 = (str(uuid.uuid4()) for _ in range(4))
    assert (await put(fresh, l1, ["MAIN_LEADER"], role="main_leader")).status_code == 200
    made = await put(fresh, s1, ["SAFETY_LEAD", "TEAM_MEMBER"])
    assert made.json()["roles"] == ["TEAM_MEMBER", "SAFETY_LEAD"]
    assert made.json()["cadences"] == ["WEEKLY", "MONTHLY"]
    await rejected(
        fresh,
        lambda: fresh.client.delete(f"/leaders/{l1}", headers=fresh.auth("admin")),
        409,
        "leadership_incomplete",
        tables=("leaders",),
    )
    await rejected(
        fresh,
        lambda: put(fresh, l1, ["TEAM_MEMBER"]),
        409,
        "leadership_incomplete",
        tables=("leaders",),
    )
    await rejected(
        fresh,
        lambda: fresh.client.delete(f"/leaders/{s1}", headers=fresh.auth("admin")),
        409,
        "leadership_incomplete",
        tables=("leaders",),
    )
    await rejected(
        fresh,
        lambda: put(fresh, s1, ["TEAM_MEMBER"]),
        409,
        "leadership_incomplete",
        tables=("leaders",),
    )
    assert (await put(fresh, l2, ["MAIN_LEADER"])).status_code == 200
    removed = await fresh.client.delete(f"/leaders/{l1}", headers=fresh.auth("main_leader"))
    assert removed.status_code == 200
    assert removed.json()["status"] == "REMOVED"
    assert data(await published(fresh, TOPIC, subject=l1), "leader.removed")[0]["person_id"] == l1
    # Naming a new safety lead takes the role from the old one, who stays a team member.
    handed = await put(fresh, s2, ["SAFETY_LEAD"])
    assert handed.status_code == 200
    old = (await fresh.client.get(f"/leaders/{s1}", headers=fresh.auth("auditor"))).json()
    assert old["roles"] == ["TEAM_MEMBER"]
    assert old["cadences"] == ["MONTHLY"]
    assert [e["data"]["roles"] for e in await published(fresh, TOPIC, subject=s1)] == [
        ["TEAM_MEMBER", "SAFETY_LEAD"],
        ["TEAM_MEMBER"],
    ]
    # A safety lead with no other role leaves the group when the role is handed on.
    s3 = str(uuid.uuid4())
    assert (await put(fresh, s3, ["SAFETY_LEAD"])).status_code == 200
    events = await published(fresh, TOPIC, subject=s2)
    assert [e["type"] for e in events][-1] == "inspection.leader.removed.v1"
    active = (await fresh.client.get("/leaders", headers=fresh.auth("auditor"))).json()
    assert sorted(m["id"] for m in active) == sorted([l2, s1, s3])


async def test_assigning_the_same_roles_again_emits_nothing(fresh: Harness):
    person_id = str(uuid.uuid4())
    assert (await put(fresh, person_id, ["TEAM_MEMBER"])).status_code == 200
    before = await published(fresh, TOPIC, subject=person_id)
    again = await put(fresh, person_id, ["TEAM_MEMBER", "TEAM_MEMBER"])
    assert again.status_code == 200
    assert again.json()["aggregate_version"] == 1
    assert await published(fresh, TOPIC, subject=person_id) == before
    assert before[0]["data"] == {
        "person_id": person_id,
        "roles": ["TEAM_MEMBER"],
        "cadences": ["MONTHLY"],
        "effective_from": "2024-01-01",
    }


async def test_a_member_needs_at_least_one_role(fresh: Harness):
    await rejected(
        fresh,
        lambda: put(fresh, str(uuid.uuid4()), []),
        422,
        "roles_required",
        tables=("leaders",),
    )


async def test_only_the_main_leader_or_admin_may_change_the_group(fresh: Harness):
    for role in ("safety_lead", "inspector", "auditor"):
        await rejected(
            fresh,
            lambda role=role: put(fresh, str(uuid.uuid4()), ["TEAM_MEMBER"], role=role),  # type: ignore[misc]
            403,
            "forbidden_role",
        )
    missing = await fresh.client.delete(f"/leaders/{uuid.uuid4()}", headers=fresh.auth("admin"))
    assert missing.status_code == 404
