"""Work notices: drafted, issued to expanded targets, acknowledged once per site."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from shared.clock import SimulatedClock
from shared.testing import Harness
from tests.integration.support import at, data, post, published, rejected, site

TOPIC = "inspection.work_notices"
TABLES = ("work_notices",)


@pytest.fixture(autouse=True)
def winter(clock: SimulatedClock) -> None:
    at(clock, date(2024, 11, 15), hour=9)


def command(svc: Harness, path: str, body: dict[str, Any] | None, role: str):
    return lambda: svc.client.post(path, json=body, headers=svc.auth(role))


async def test_a_notice_goes_to_the_named_sites_and_the_active_sites_of_its_kinds(
    svc: Harness, group: dict[str, str]
):
    homes = [await site(svc, kind="FUNERAL_HOME") for _ in range(2)]
    await site(svc, kind="FUNERAL_HOME", status="CLOSED")
    named = await site(svc)
    draft = await post(
        svc,
        "/work-notices",
        {
            "title": "冬季防火工作提示",
            "target_site_ids": [named],
            "target_kinds": ["FUNERAL_HOME"],
            "ack_due_on": "2024-11-22",
        },
        "safety_lead",
    )
    assert (draft["status"], draft["notice_no"][:8], draft["aggregate_version"]) == (
        "DRAFT",
        "TS-2024-",
        0,
    )
    assert await published(svc, TOPIC, subject=draft["id"]) == []
    issued = await post(svc, f"/work-notices/{draft['id']}/issue", {}, "safety_lead")
    assert sorted(issued["target_site_ids"]) == sorted([named, *homes])
    [event] = data(await published(svc, TOPIC, subject=draft["id"]), "work_notice.issued")
    assert (
        event
        | {
            "title": "冬季防火工作提示",
            "issuer_person_id": group["S1"],
            "require_ack": True,
            "ack_due_on": "2024-11-22",
            "issued_at": "2024-11-15T01:00:00Z",
        }
        == event
    )
    assert sorted(event["target_site_ids"]) == sorted(issued["target_site_ids"])
    await rejected(
        svc,
        command(svc, f"/work-notices/{draft['id']}/issue", None, "safety_lead"),
        409,
        "invalid_state",
        tables=TABLES,
    )


async def test_each_target_acknowledges_once_and_only_targets_may(
    svc: Harness, group: dict[str, str]
):
    target, outsider = await site(svc), await site(svc, status="CLOSED")
    draft = await post(
        svc,
        "/work-notices",
        {"title": "春节安全提示", "target_site_ids": [target], "ack_due_on": "2024-11-18"},
        "main_leader",
    )
    acks = f"/work-notices/{draft['id']}/acks"
    await rejected(
        svc,
        command(svc, acks, {"site_id": target}, "institution_staff"),
        409,
        "invalid_state",
        tables=TABLES,
    )
    await post(svc, f"/work-notices/{draft['id']}/issue", {}, "main_leader")
    acked = await post(svc, acks, {"site_id": target}, "institution_staff")
    assert list(acked["acks"]) == [target]
    [ack] = data(await published(svc, TOPIC, subject=draft["id"]), "work_notice.acknowledged")
    assert (ack["site_id"], ack["acked_at"]) == (target, "2024-11-15T01:00:00Z")
    # A repeated acknowledgement is a no-op: 200, same state, no event.
    await svc.drained()
    before = len(await published(svc, TOPIC, subject=draft["id"]))
    again = await svc.client.post(
        acks, json={"site_id": target}, headers=svc.auth("institution_staff")
    )
    assert (again.status_code, again.json()) == (200, acked)
    assert len(await published(svc, TOPIC, subject=draft["id"])) == before
    await rejected(
        svc,
        command(svc, acks, {"site_id": outsider}, "institution_staff"),
        422,
        "not_a_target",
        tables=TABLES,
    )
    await rejected(svc, command(svc, acks, {"site_id": target}, "inspector"), 403, "forbidden_role")


async def test_issuing_needs_a_leader_targets_and_a_later_due_date(
    svc: Harness, group: dict[str, str]
):
    target = await site(svc)
    base = {"title": "汛期安全提示", "target_site_ids": [target], "ack_due_on": "2024-11-20"}
    cases = [
        (base | {"issuer_person_id": str(uuid.uuid4())}, 403, "issuer_not_leader"),
        (base | {"ack_due_on": "2024-11-15"}, 422, "invalid_ack_due"),
        (base | {"target_site_ids": [], "target_kinds": ["RELIEF_STATION"]}, 422, "no_targets"),
        (base | {"target_site_ids": [str(uuid.uuid4())]}, 422, "unknown_reference"),
    ]
    for body, status, code in cases:
        draft = await post(svc, "/work-notices", body, "safety_lead")
        await rejected(
            svc,
            command(svc, f"/work-notices/{draft['id']}/issue", None, "safety_lead"),
            status,
            code,
            tables=TABLES,
        )
    await rejected(
        svc,
        command(svc, "/work-notices", base | {"target_site_ids": []}, "safety_lead"),
        422,
        "no_targets",
        tables=TABLES,
    )
