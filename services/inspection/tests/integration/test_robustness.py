"""Hostile or odd input is a 422 problem, never a 500, and changes nothing."""

from __future__ import annotations

import uuid

from shared.testing import Harness
from tests.integration.support import person, rejected, site


async def test_control_characters_in_any_text_are_refused(svc: Harness):
    for body in (
        {
            "code": "C1",
            "name": "百日\x00攻坚",
            "kind": "ROOT_CAUSE",
            "start_on": "2024-01-01",
            "lead_unit": "局",
        },
        {
            "code": "C1",
            "name": "百日攻坚",
            "kind": "ROOT_CAUSE",
            "start_on": "2024-01-01",
            "lead_unit": "局\x1b[31m",
        },
    ):
        await rejected(
            svc,
            lambda body=body: svc.client.post(
                "/campaigns", json=body, headers=svc.auth("safety_lead")
            ),  # type: ignore[misc]
            422,
            "invalid_input",
            tables=("campaigns",),
        )
    hazard = {
        "site_id": await site(svc),
        "category": "FIRE",
        "level": "GENERAL",
        "description": "a\x00b",
    }
    await rejected(
        svc,
        lambda: svc.client.post("/hazards", json=hazard, headers=svc.auth("inspector")),
        422,
        "invalid_input",
        tables=("hazards",),
    )


async def test_numbers_beyond_what_is_stored_are_refused(svc: Harness):
    drill = {"site_id": await site(svc), "drill_type": "FLOOD", "planned_on": "2024-06-14"}
    talk = {
        "format": "ON_SITE",
        "topic": "t",
        "speaker_person_id": person("inspector"),
        "held_at": "2024-01-01T10:00:00+08:00",
        "audience_count": 10**12,
    }
    await rejected(
        svc,
        lambda: svc.client.post("/safety-talks", json=talk, headers=svc.auth("inspector")),
        422,
        "invalid_input",
        tables=("safety_talks",),
    )
    made = await svc.client.post("/drills", json=drill, headers=svc.auth("inspector"))
    record = {"held_at": "2024-01-01T10:00:00+08:00", "participants": 10**20}
    await rejected(
        svc,
        lambda: svc.client.post(
            f"/drills/{made.json()['id']}/record", json=record, headers=svc.auth("inspector")
        ),
        422,
        "invalid_input",
        tables=("drills",),
    )
    leader = {"roles": ["TEAM_MEMBER"], "effective_from": "9999-12-31"}
    await rejected(
        svc,
        lambda: svc.client.put(f"/leaders/{uuid.uuid4()}", json=leader, headers=svc.auth("admin")),
        422,
        "invalid_input",
        tables=("leaders",),
    )


async def test_odd_query_parameters_are_refused(svc: Harness):
    for query in (
        "status=%00",
        "offset=100000000000000000000",
        "limit=0",
        "overdue=maybe",
        "site_id=x",
    ):
        response = await svc.client.get(f"/hazards?{query}", headers=svc.auth("auditor"))
        assert response.status_code == 422, (query, response.text)
        assert response.json()["code"] == "invalid_input"
    response = await svc.client.get(f"/hazards/{uuid.uuid4()}", headers=svc.auth("auditor"))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = await svc.client.get("/hazards/not-a-uuid", headers=svc.auth("auditor"))
    assert response.status_code == 422


async def test_a_body_that_is_not_json_is_a_problem(svc: Harness):
    response = await svc.client.post(
        "/campaigns",
        content=b"\xff\xfe{",
        headers=svc.auth("safety_lead") | {"content-type": "application/json"},
    )
    # Undecodable bytes never reach validation: the platform answers 400 (a problem, not a 500).
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    broken = await svc.client.post(
        "/campaigns",
        content=b'{"code": ',
        headers=svc.auth("safety_lead") | {"content-type": "application/json"},
    )
    assert (broken.status_code, broken.json()["code"]) == (422, "invalid_input")


async def test_instants_at_the_ends_of_the_calendar_are_refused_not_500(svc: Harness):
    drill = {"site_id": await site(svc), "drill_type": "FLOOD", "planned_on": "2024-06-14"}
    made = await svc.client.post("/drills", json=drill, headers=svc.auth("inspector"))
    assert made.status_code == 201, made.text
    for held_at in (
        "0001-01-01T00:00:00+01:00",  # before any UTC instant
        "9999-12-31T23:59:59-01:00",  # after any UTC instant
        "9999-12-31T23:59:59Z",  # its local (Asia/Shanghai) date would be in year 10000
    ):
        await rejected(
            svc,
            lambda held_at=held_at: svc.client.post(
                f"/drills/{made.json()['id']}/record",
                json={"held_at": held_at, "participants": 5},
                headers=svc.auth("inspector"),
            ),  # type: ignore[misc]
            422,
            None,
            tables=("drills",),
        )
