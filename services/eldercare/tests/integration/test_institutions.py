"""The institution registry: registration, status, capacity, and their refusals."""

import asyncio
import uuid

from tests.integration.support import Unchanged, assert_problem, elder_body, institution_body


async def register(svc, **overrides):
    r = await svc.client.post(
        "/institutions", json=institution_body(**overrides), headers=svc.auth("admin")
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_registering_an_institution_publishes_its_registry_entry(svc):
    site_id = str(uuid.uuid4())
    site = await register(svc, id=site_id, beds=30)
    assert site["id"] == site_id
    assert site["status"] == "ACTIVE"
    assert site["aggregate_version"] == 1
    [event] = await svc.events("eldercare.institutions", subject=site_id)
    assert event["type"] == "eldercare.institution.registered.v1"
    assert event["aggregateversion"] == 1
    assert event["source"] == "/eldercare"
    assert event["data"]["beds"] == 30
    assert event["data"]["filing_no"] == site["filing_no"]
    fetched = await svc.client.get(f"/institutions/{site_id}", headers=svc.auth("auditor"))
    assert fetched.json() == site


async def test_a_duplicate_filing_number_is_409_and_changes_nothing(svc):
    site = await register(svc)
    async with Unchanged(svc):
        r = await svc.client.post(
            "/institutions",
            json=institution_body(filing_no=site["filing_no"]),
            headers=svc.auth("admin"),
        )
    assert_problem(r, 409, "duplicate_filing_no")


async def test_negative_beds_are_422(svc):
    async with Unchanged(svc):
        r = await svc.client.post(
            "/institutions", json=institution_body(beds=-1), headers=svc.auth("admin")
        )
    assert_problem(r, 422, "invalid_beds")
    site = await register(svc)
    async with Unchanged(svc):
        r = await svc.client.patch(
            f"/institutions/{site['id']}/capacity", json={"beds": -5}, headers=svc.auth("admin")
        )
    assert_problem(r, 422, "invalid_beds")


async def test_suspend_reactivate_close_emit_status_changes_in_order(svc):
    site = await register(svc)
    for verb, status in (("suspend", "SUSPENDED"), ("reactivate", "ACTIVE"), ("close", "CLOSED")):
        r = await svc.client.post(
            f"/institutions/{site['id']}/{verb}",
            json={"reason_code": "RECTIFY"},
            headers=svc.auth("admin"),
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == status
    events = await svc.events("eldercare.institutions", subject=site["id"])
    assert [e["data"].get("status") for e in events] == ["ACTIVE", "SUSPENDED", "ACTIVE", "CLOSED"]
    assert [e["aggregateversion"] for e in events] == [1, 2, 3, 4]
    async with Unchanged(svc):
        r = await svc.client.post(
            f"/institutions/{site['id']}/reactivate", json={}, headers=svc.auth("admin")
        )
    assert_problem(r, 409, "invalid_state")


async def test_capacity_cannot_drop_below_residents_and_a_site_with_residents_cannot_close(svc):
    site = await register(svc, beds=2)
    elder = (
        await svc.client.post("/elders", json=elder_body(), headers=svc.auth("caseworker"))
    ).json()
    admitted = await svc.client.post(
        f"/elders/{elder['id']}/admit",
        json={"institution_id": site["id"], "admitted_at": "2024-05-01T02:00:00Z"},
        headers=svc.auth("caseworker"),
    )
    assert admitted.status_code == 200, admitted.text
    async with Unchanged(svc):
        low = await svc.client.patch(
            f"/institutions/{site['id']}/capacity", json={"beds": 0}, headers=svc.auth("admin")
        )
        close = await svc.client.post(
            f"/institutions/{site['id']}/close", json={}, headers=svc.auth("admin")
        )
    assert_problem(low, 409, "capacity_below_occupancy")
    assert_problem(close, 409, "has_residents")
    ok = await svc.client.patch(
        f"/institutions/{site['id']}/capacity",
        json={"beds": 1},
        headers=svc.auth("institution_staff"),
    )
    assert ok.json()["beds"] == 1
    events = await svc.events("eldercare.institutions", subject=site["id"])
    assert events[-1]["type"] == "eldercare.institution.capacity_changed.v1"
    assert events[-1]["data"] == {"institution_id": site["id"], "beds": 1}


async def test_unknown_institution_is_404(svc):
    r = await svc.client.post(
        f"/institutions/{uuid.uuid4()}/suspend", json={}, headers=svc.auth("admin")
    )
    assert_problem(r, 404, "not_found")


async def test_roles_no_token_is_401_wrong_role_is_403(svc):
    r = await svc.client.post("/institutions", json=institution_body())
    assert_problem(r, 401, "unauthenticated")
    r = await svc.client.post(
        "/institutions", json=institution_body(), headers=svc.auth("caseworker")
    )
    assert_problem(r, 403, "forbidden_role")
    r = await svc.client.get("/institutions", headers=svc.auth("finance_officer"))
    assert_problem(r, 403, "forbidden_role")


async def test_idempotency_key_replays_the_first_response_and_refuses_another_body(svc):
    body = institution_body()
    headers = {**svc.auth("admin"), "Idempotency-Key": f"line-{uuid.uuid4()}"}
    first = await svc.client.post("/institutions", json=body, headers=headers)
    assert first.status_code == 201
    async with Unchanged(svc, topics=["eldercare.institutions"]):
        again = await svc.client.post("/institutions", json=body, headers=headers)
        other = await svc.client.post("/institutions", json=institution_body(), headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert_problem(other, 422, "idempotency_key_reused")


async def test_concurrent_requests_with_one_key_register_once_and_answer_alike(svc):
    # The key is not locked: the losers fail on it (or on the institution's id) and give the
    # winner's stored answer.
    body = institution_body()
    headers = {**svc.auth("admin"), "Idempotency-Key": f"race-{uuid.uuid4()}"}
    answers = await asyncio.gather(
        *(svc.client.post("/institutions", json=body, headers=headers) for _ in range(8))
    )
    assert {a.status_code for a in answers} == {201}
    assert all(a.json() == answers[0].json() for a in answers)
    assert len(await svc.events("eldercare.institutions", subject=answers[0].json()["id"])) == 1
    others = [institution_body() for _ in range(3)]
    key = {**svc.auth("admin"), "Idempotency-Key": f"race-{uuid.uuid4()}"}
    raced = await asyncio.gather(
        *(svc.client.post("/institutions", json=b, headers=key) for b in others)
    )
    assert sorted(a.status_code for a in raced) == [201, 422, 422]
    for answer in raced:
        if answer.status_code == 422:
            assert_problem(answer, 422, "idempotency_key_reused")
