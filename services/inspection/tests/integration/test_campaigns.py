"""Campaigns: launched and closed, with their rejects, idempotency and roles."""

from __future__ import annotations

import asyncio
import uuid

from shared.testing import Harness
from tests.integration.support import data, published, rejected

TOPIC = "inspection.campaigns"


def campaign(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "code": "C2",
        "name": f"消防安全集中除患攻坚-{uuid.uuid4().hex[:6]}",
        "kind": "FIRE_HAZARD_REMOVAL",
        "start_on": "2024-03-10",
        "end_on": "2024-05-31",
        "lead_unit": "市民政局",
    }
    body.update(overrides)
    return body


async def test_launching_and_closing_a_campaign_emits_both_events_keyed_by_its_id(svc: Harness):
    body = campaign()
    made = await svc.client.post("/campaigns", json=body, headers=svc.auth("safety_lead"))
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "ACTIVE"
    assert made.json()["aggregate_version"] == 1
    closed = await svc.client.post(
        f"/campaigns/{body['id']}/close", json={}, headers=svc.auth("main_leader")
    )
    assert closed.status_code == 200, closed.text
    assert closed.json() | {"status": "CLOSED", "end_on": "2024-05-31", "aggregate_version": 2} == (
        closed.json()
    )
    events = await published(svc, TOPIC, subject=str(body["id"]))
    assert [e["type"] for e in events] == [
        "inspection.campaign.launched.v1",
        "inspection.campaign.closed.v1",
    ]
    assert [e["aggregateversion"] for e in events] == [1, 2]
    assert data(events, "campaign.launched")[0]["name"] == body["name"]
    assert data(events, "campaign.closed") == [{"campaign_id": body["id"], "end_on": "2024-05-31"}]
    assert events[0]["actor"]
    read = await svc.client.get(f"/campaigns/{body['id']}", headers=svc.auth("auditor"))
    assert read.json()["status"] == "CLOSED"


async def test_a_campaign_ending_before_it_starts_is_rejected(svc: Harness):
    body = campaign(start_on="2024-06-01", end_on="2024-05-31")
    await rejected(
        svc,
        lambda: svc.client.post("/campaigns", json=body, headers=svc.auth("safety_lead")),
        422,
        "invalid_period",
        tables=("campaigns",),
    )


async def test_a_name_is_unique_among_open_campaigns_only(svc: Harness):
    first = campaign()
    assert (
        await svc.client.post("/campaigns", json=first, headers=svc.auth("safety_lead"))
    ).status_code == 201
    twin = campaign(name=first["name"])
    await rejected(
        svc,
        lambda: svc.client.post("/campaigns", json=twin, headers=svc.auth("safety_lead")),
        409,
        "duplicate_campaign",
        tables=("campaigns",),
    )
    await svc.client.post(
        f"/campaigns/{first['id']}/close", json={}, headers=svc.auth("safety_lead")
    )
    again = await svc.client.post("/campaigns", json=twin, headers=svc.auth("safety_lead"))
    assert again.status_code == 201, again.text


async def test_closing_a_closed_campaign_is_a_conflict(svc: Harness):
    body = campaign(end_on=None)
    await svc.client.post("/campaigns", json=body, headers=svc.auth("safety_lead"))
    close = f"/campaigns/{body['id']}/close"
    assert (
        await svc.client.post(close, json={"end_on": "2024-04-01"}, headers=svc.auth("safety_lead"))
    ).status_code == 200
    await rejected(
        svc,
        lambda: svc.client.post(close, json={}, headers=svc.auth("safety_lead")),
        409,
        "invalid_state",
        tables=("campaigns",),
    )


async def test_closing_an_unknown_campaign_is_not_found(svc: Harness):
    response = await svc.client.post(
        f"/campaigns/{uuid.uuid4()}/close", json={}, headers=svc.auth("safety_lead")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(svc: Harness):
    body = campaign()
    headers = svc.auth("safety_lead") | {"Idempotency-Key": f"line-{uuid.uuid4()}"}
    first = await svc.client.post("/campaigns", json=body, headers=headers)
    replay = await svc.client.post("/campaigns", json=body, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert len(await published(svc, TOPIC, subject=str(body["id"]))) == 1
    other = campaign()
    await rejected(
        svc,
        lambda: svc.client.post("/campaigns", json=other, headers=headers),
        422,
        "idempotency_key_reused",
        tables=("campaigns",),
    )


async def test_concurrent_requests_with_one_key_have_one_effect_and_one_answer(svc: Harness):
    # No lock on the key: the losers of the race fail on it (or on the campaign's id) and
    # answer with the winner's stored response.
    body = campaign()
    headers = svc.auth("safety_lead") | {"Idempotency-Key": f"race-{uuid.uuid4()}"}
    answers = await asyncio.gather(
        *(svc.client.post("/campaigns", json=body, headers=headers) for _ in range(8))
    )
    assert {a.status_code for a in answers} == {201}
    assert all(a.json() == answers[0].json() for a in answers)
    async with svc.pool.acquire() as conn:
        rows = await conn.fetchval("SELECT count(*) FROM campaigns WHERE id = $1", body["id"])
    assert rows == 1
    assert len(await published(svc, TOPIC, subject=str(body["id"]))) == 1


async def test_concurrent_requests_with_one_key_and_other_bodies_are_refused(svc: Harness):
    headers = svc.auth("safety_lead") | {"Idempotency-Key": f"race-{uuid.uuid4()}"}
    bodies = [campaign() for _ in range(4)]
    answers = await asyncio.gather(
        *(svc.client.post("/campaigns", json=b, headers=headers) for b in bodies)
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 422, 422, 422]
    refused = [a.json()["code"] for a in answers if a.status_code == 422]
    assert refused == ["idempotency_key_reused"] * 3
    ids = [str(b["id"]) for b in bodies]
    async with svc.pool.acquire() as conn:
        rows = await conn.fetchval("SELECT count(*) FROM campaigns WHERE id = ANY($1::uuid[])", ids)
    assert rows == 1


async def test_commands_need_a_token_and_a_role_that_may_run_them(svc: Harness):
    body = campaign()
    anonymous = await svc.client.post("/campaigns", json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "unauthenticated"
    for role in ("auditor", "institution_staff", "inspector"):
        await rejected(
            svc,
            lambda role=role: svc.client.post("/campaigns", json=body, headers=svc.auth(role)),  # type: ignore[misc]
            403,
            "forbidden_role",
        )
    listing = await svc.client.get("/campaigns", headers=svc.auth("auditor"))
    assert listing.status_code == 200


async def test_a_malformed_body_is_a_422_problem_that_changes_nothing(svc: Harness):
    for body in (campaign(kind="PARTY"), campaign(start_on="not-a-date"), campaign(extra="x")):
        await rejected(
            svc,
            lambda body=body: svc.client.post(
                "/campaigns", json=body, headers=svc.auth("safety_lead")
            ),  # type: ignore[misc]
            422,
            "invalid_input",
            tables=("campaigns",),
        )


async def test_personal_data_in_a_published_text_is_refused_not_a_server_error(svc: Harness):
    for change in ({"name": "联系人13812345678"}, {"lead_unit": "430902194501011234"}):
        problem = await rejected(
            svc,
            lambda change=change: svc.client.post(  # type: ignore[misc]
                "/campaigns", json=campaign(**change), headers=svc.auth("safety_lead")
            ),
            422,
            "pii_in_free_text",
            tables=("campaigns",),
        )
        assert problem["fields"] == list(change)
