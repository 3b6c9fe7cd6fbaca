"""Inspections: scheduled, completed or cancelled, with every reject of DOMAIN §4.3 / §11.6."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from shared.clock import SimulatedClock
from shared.testing import Harness
from tests.integration.support import (
    at,
    campaign,
    data,
    inspection,
    person,
    post,
    published,
    rejected,
    site,
)

TOPIC = "inspection.inspections"
TABLES = ("inspections",)


@pytest.fixture(autouse=True)
def june(clock: SimulatedClock) -> None:
    at(clock, date(2024, 6, 1))


async def test_a_weekly_inspection_by_the_safety_lead_is_scheduled_then_completed(
    svc: Harness, group: dict[str, str]
):
    site_id, campaign_id = await site(svc), await campaign(svc)
    made = await inspection(
        svc,
        site_id=site_id,
        campaign_id=campaign_id,
        type_="ROUTINE_WEEKLY",
        lead=group["S1"],
        planned_on="2024-05-29",
    )
    assert made["inspection_no"].startswith("JC-2024-")
    assert (made["status"], made["announced"]) == ("SCHEDULED", True)
    done = await post(
        svc,
        f"/inspections/{made['id']}/complete",
        {
            "completed_at": "2024-05-29T09:30:00+08:00",
            "participant_ids": [person("inspector")],
            "summary": "消防通道畅通",
        },
    )
    assert (done["status"], done["aggregate_version"]) == ("COMPLETED", 2)
    events = await published(svc, TOPIC, subject=made["id"])
    assert [e["aggregateversion"] for e in events] == [1, 2]
    [scheduled] = data(events, "inspection.scheduled")
    assert scheduled == {
        "inspection_id": made["id"],
        "inspection_no": made["inspection_no"],
        "site_id": site_id,
        "type": "ROUTINE_WEEKLY",
        "campaign_id": campaign_id,
        "lead_person_id": group["S1"],
        "planned_on": "2024-05-29",
        "announced": True,
    }
    [completed] = data(events, "inspection.completed")
    assert completed["completed_at"] == "2024-05-29T01:30:00Z"
    assert completed["participant_ids"] == [person("inspector")]
    assert completed["hazards_found"] == 0
    assert "summary" not in completed


async def test_an_unannounced_inspection_is_never_announced(svc: Harness, group: dict[str, str]):
    made = await inspection(
        svc, site_id=await site(svc), campaign_id=await campaign(svc), type_="UNANNOUNCED"
    )
    assert made["announced"] is False
    [scheduled] = data(await published(svc, TOPIC, subject=made["id"]), "inspection.scheduled")
    assert scheduled["announced"] is False


async def test_the_bureau_itself_can_be_inspected(svc: Harness, group: dict[str, str]):
    made = await inspection(svc, site_id="BUREAU", campaign_id=await campaign(svc))
    assert made["site_id"] == "00000000-0000-0000-0000-000000000001"


async def test_an_inactive_or_unknown_site_or_campaign_is_refused(
    svc: Harness, group: dict[str, str]
):
    closed, campaign_id = await site(svc, status="CLOSED"), await campaign(svc)
    body = {
        "site_id": closed,
        "type": "SPECIAL",
        "campaign_id": campaign_id,
        "lead_person_id": person("inspector"),
        "planned_on": "2024-05-10",
    }

    def schedule(b):
        return lambda: svc.client.post("/inspections", json=b, headers=svc.auth("inspector"))

    await rejected(svc, schedule(body), 409, "site_inactive", tables=TABLES)
    await rejected(svc, schedule(body | {"site_id": str(uuid.uuid4())}), 422, "unknown_reference")
    active = await site(svc)
    unknown_campaign = body | {"site_id": active, "campaign_id": str(uuid.uuid4())}
    await rejected(svc, schedule(unknown_campaign), 422, "unknown_reference", tables=TABLES)


async def test_the_campaign_must_run_on_the_planned_and_the_completion_day(
    svc: Harness, group: dict[str, str], clock: SimulatedClock
):
    c1 = await campaign(svc, start_on="2023-12-01", end_on="2024-03-09")
    site_id = await site(svc)
    body = {
        "site_id": site_id,
        "type": "SPECIAL",
        "campaign_id": c1,
        "lead_person_id": person("inspector"),
        "planned_on": "2024-05-10",
    }
    await rejected(
        svc,
        lambda: svc.client.post("/inspections", json=body, headers=svc.auth("inspector")),
        422,
        "campaign_not_running",
        tables=TABLES,
    )
    made = await inspection(svc, site_id=site_id, campaign_id=c1, planned_on="2024-03-08")
    late = {"completed_at": "2024-03-10T09:00:00+08:00"}
    await rejected(
        svc,
        lambda: svc.client.post(
            f"/inspections/{made['id']}/complete", json=late, headers=svc.auth("inspector")
        ),
        422,
        "campaign_not_running",
        tables=TABLES,
    )
    # The last day of the window counts by local date: 2024-03-09 23:30 +08:00 is 15:30Z.
    last_evening = {"completed_at": "2024-03-09T23:30:00+08:00"}
    assert (await post(svc, f"/inspections/{made['id']}/complete", last_evening))[
        "status"
    ] == "COMPLETED"


async def test_completing_in_the_future_is_refused(svc: Harness, group: dict[str, str]):
    made = await inspection(svc, site_id=await site(svc), campaign_id=await campaign(svc))
    tomorrow = {"completed_at": "2024-06-02T09:00:00+08:00"}
    await rejected(
        svc,
        lambda: svc.client.post(
            f"/inspections/{made['id']}/complete", json=tomorrow, headers=svc.auth("inspector")
        ),
        422,
        "in_future",
        tables=TABLES,
    )


async def test_weekly_needs_the_safety_lead_and_monthly_needs_a_leader(
    svc: Harness, group: dict[str, str]
):
    site_id, campaign_id = await site(svc), await campaign(svc)
    l2 = str(uuid.uuid4())
    assert (
        await svc.client.put(
            f"/leaders/{l2}",
            json={"roles": ["TEAM_MEMBER"], "effective_from": "2030-01-01"},
            headers=svc.auth("admin"),
        )
    ).status_code == 200
    base = {"site_id": site_id, "campaign_id": campaign_id, "planned_on": "2024-05-16"}
    weekly_by_l2 = base | {"type": "ROUTINE_WEEKLY", "lead_person_id": l2}
    monthly_by_staff = base | {"type": "LEADERSHIP_MONTHLY", "lead_person_id": person("inspector")}
    for body in (weekly_by_l2, monthly_by_staff):
        await rejected(
            svc,
            lambda body=body: svc.client.post(
                "/inspections", json=body, headers=svc.auth("inspector")
            ),  # type: ignore[misc]
            422,
            "wrong_inspector",
            tables=TABLES,
        )
    monthly = await post(svc, "/inspections", monthly_by_staff | {"participant_ids": [l2]})
    # Dropping the leader from the participants on completion breaks the rule too.
    await rejected(
        svc,
        lambda: svc.client.post(
            f"/inspections/{monthly['id']}/complete",
            json={"completed_at": "2024-05-16T14:30:00+08:00", "participant_ids": []},
            headers=svc.auth("inspector"),
        ),
        422,
        "wrong_inspector",
        tables=TABLES,
    )
    await svc.client.delete(f"/leaders/{l2}", headers=svc.auth("admin"))


async def test_a_cancelled_or_completed_inspection_cannot_be_completed(
    svc: Harness, group: dict[str, str]
):
    site_id, campaign_id = await site(svc), await campaign(svc)
    made = await inspection(svc, site_id=site_id, campaign_id=campaign_id)
    cancelled = await post(svc, f"/inspections/{made['id']}/cancel", {"reason": "FLOOD_DUTY"})
    assert cancelled["status"] == "CANCELLED"
    [event] = data(await published(svc, TOPIC, subject=made["id"]), "inspection.cancelled")
    assert event == {"inspection_id": made["id"], "site_id": site_id, "reason_code": "FLOOD_DUTY"}
    done = {"completed_at": "2024-05-30T10:00:00+08:00"}

    def complete(i):
        return lambda: svc.client.post(
            f"/inspections/{i}/complete", json=done, headers=svc.auth("inspector")
        )

    await rejected(svc, complete(made["id"]), 409, "invalid_state", tables=TABLES)
    other = await inspection(svc, site_id=site_id, campaign_id=campaign_id)
    await post(svc, f"/inspections/{other['id']}/complete", done)
    await rejected(svc, complete(other["id"]), 409, "invalid_state", tables=TABLES)
    await rejected(
        svc,
        lambda: svc.client.post(
            f"/inspections/{other['id']}/cancel",
            json={"reason_code": "X"},
            headers=svc.auth("inspector"),
        ),
        409,
        "invalid_state",
        tables=TABLES,
    )


async def test_personal_data_in_the_summary_is_refused(svc: Harness, group: dict[str, str]):
    made = await inspection(svc, site_id=await site(svc), campaign_id=await campaign(svc))
    for summary in ("联系院长 13812345678", "住养老人 430902194501011234 床头有电热毯"):
        problem = await rejected(
            svc,
            lambda summary=summary: svc.client.post(  # type: ignore[misc]
                f"/inspections/{made['id']}/complete",
                json={"completed_at": "2024-05-30T10:00:00+08:00", "summary": summary},
                headers=svc.auth("inspector"),
            ),
            422,
            "pii_in_free_text",
            tables=TABLES,
        )
        assert problem["detail"] == "请勿在描述中填写身份证号或手机号"
        assert "1381234" not in str(problem)
