"""Drills, safety talks and safety meetings: recorded facts and their rejects."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from shared.clock import SimulatedClock
from shared.testing import Harness
from tests.integration.support import (
    at,
    change_status,
    data,
    person,
    post,
    published,
    rejected,
    site,
)


@pytest.fixture(autouse=True)
def mid_november(clock: SimulatedClock) -> None:
    at(clock, date(2024, 11, 15), hour=18)


def command(svc: Harness, path: str, body: dict[str, Any], role: str = "institution_staff"):
    return lambda: svc.client.post(path, json=body, headers=svc.auth(role))


async def test_a_planned_drill_is_held_and_counts_its_participants(svc: Harness):
    site_id = await site(svc)
    drill = await post(
        svc,
        "/drills",
        {"site_id": site_id, "drill_type": "FIRE_EVACUATION", "planned_on": "2024-11-15"},
        "institution_staff",
    )
    held = await post(
        svc,
        f"/drills/{drill['id']}/record",
        {"held_at": "2024-11-15T09:00:00+08:00", "participants": 30, "residents_participating": 12},
        "institution_staff",
    )
    assert (held["status"], held["aggregate_version"]) == ("HELD", 2)
    events = await published(svc, "inspection.drills", subject=drill["id"])
    assert data(events, "drill.planned") == [
        {
            "drill_id": drill["id"],
            "site_id": site_id,
            "drill_type": "FIRE_EVACUATION",
            "planned_on": "2024-11-15",
        }
    ]
    assert data(events, "drill.held") == [
        {
            "drill_id": drill["id"],
            "site_id": site_id,
            "drill_type": "FIRE_EVACUATION",
            "held_at": "2024-11-15T01:00:00Z",
            "participants": 30,
            "residents_participating": 12,
        }
    ]


async def test_a_drill_needs_participants_a_past_time_and_a_planned_state(svc: Harness):
    site_id = await site(svc)
    drill = await post(
        svc,
        "/drills",
        {"site_id": site_id, "drill_type": "FLOOD", "planned_on": "2024-11-15"},
        "inspector",
    )
    record = f"/drills/{drill['id']}/record"
    at_nine = "2024-11-15T09:00:00+08:00"
    for body, code in (
        ({"held_at": at_nine, "participants": 0}, "invalid_participants"),
        (
            {"held_at": at_nine, "participants": 5, "residents_participating": 6},
            "invalid_participants",
        ),
        ({"held_at": "2024-11-16T09:00:00+08:00", "participants": 5}, "in_future"),
    ):
        await rejected(svc, command(svc, record, body), 422, code, tables=("drills",))
    cancelled = await post(
        svc, f"/drills/{drill['id']}/cancel", {"reason_code": "WEATHER"}, "safety_lead"
    )
    assert cancelled["status"] == "CANCELLED"
    assert data(
        await published(svc, "inspection.drills", subject=drill["id"]), "drill.cancelled"
    ) == [{"drill_id": drill["id"], "site_id": site_id, "reason_code": "WEATHER"}]
    await rejected(
        svc,
        command(svc, record, {"held_at": at_nine, "participants": 5}),
        409,
        "invalid_state",
        tables=("drills",),
    )


async def test_drills_only_happen_at_active_sites(svc: Harness):
    closed = await site(svc, status="CLOSED")
    plan = {"site_id": closed, "drill_type": "GAS_LEAK", "planned_on": "2024-11-20"}
    await rejected(svc, command(svc, "/drills", plan), 409, "site_inactive", tables=("drills",))
    site_id = await site(svc)
    drill = await post(svc, "/drills", plan | {"site_id": site_id}, "institution_staff")
    await change_status(svc, site_id, "SUSPENDED", version=2)
    await rejected(
        svc,
        command(
            svc,
            f"/drills/{drill['id']}/record",
            {"held_at": "2024-11-15T09:00:00+08:00", "participants": 5},
        ),
        409,
        "site_inactive",
        tables=("drills",),
    )
    await rejected(svc, command(svc, "/drills", plan, "auditor"), 403, "forbidden_role")


async def test_a_talk_at_half_past_seven_on_new_years_day_is_published_in_utc(
    svc: Harness, clock: SimulatedClock
):
    at(clock, date(2024, 1, 1), hour=12)
    talk = await post(
        svc,
        "/safety-talks",
        {
            "format": "MINZHENG_LECTURE",
            "topic": "元旦值班安全宣讲",
            "speaker_person_id": person("safety_lead"),
            "held_at": "2024-01-01T07:30:00+08:00",
            "audience_count": 40,
        },
    )
    [held] = data(
        await published(svc, "inspection.safety_talks", subject=talk["id"]), "safety_talk.held"
    )
    assert held == {
        "talk_id": talk["id"],
        "venue_site_id": None,
        "format": "MINZHENG_LECTURE",
        "held_at": "2023-12-31T23:30:00Z",
        "audience_count": 40,
    }


async def test_a_talk_needs_an_audience_a_past_time_and_a_known_venue(svc: Harness):
    body = {
        "format": "ON_SITE",
        "topic": "消防安全",
        "speaker_person_id": person("inspector"),
        "held_at": "2024-11-12T10:00:00+08:00",
        "audience_count": 25,
        "venue_site_id": await site(svc),
    }
    for change, status, code in (
        ({"audience_count": 0}, 422, "invalid_audience"),
        ({"held_at": "2024-11-16T10:00:00+08:00"}, 422, "in_future"),
        ({"venue_site_id": str(uuid.uuid4())}, 422, "unknown_reference"),
        ({"held_at": "2024-11-12T10:00:00"}, 422, "invalid_input"),  # an instant needs an offset
    ):
        await rejected(
            svc,
            command(svc, "/safety-talks", body | change, "inspector"),
            status,
            code,
            tables=("safety_talks",),
        )
    assert (await post(svc, "/safety-talks", body))["venue_site_id"] == body["venue_site_id"]


async def test_a_safety_meeting_is_recorded_after_it_was_held(svc: Harness):
    body = {
        "kind": "PARTY_GROUP",
        "held_at": "2024-11-15T15:00:00+08:00",
        "agenda_ref": "DOC-2024-11",
    }
    meeting = await post(svc, "/safety-meetings", body, "main_leader")
    assert data(
        await published(svc, "inspection.safety_meetings", subject=meeting["id"]),
        "safety_meeting.held",
    ) == [{"meeting_id": meeting["id"], "kind": "PARTY_GROUP", "held_at": "2024-11-15T07:00:00Z"}]
    await rejected(
        svc,
        command(
            svc, "/safety-meetings", body | {"held_at": "2024-11-16T15:00:00+08:00"}, "main_leader"
        ),
        422,
        "in_future",
        tables=("safety_meetings",),
    )
    await rejected(svc, command(svc, "/safety-meetings", body, "inspector"), 403, "forbidden_role")
