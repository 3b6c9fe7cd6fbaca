"""Meal points and meals (DOMAIN §5.4, §11.6 #19-23)."""

import asyncio
import uuid
from datetime import UTC, datetime

from tests.integration.support import Unchanged, assert_problem, elder_body, institution_body

LUNCH_TODAY = "2024-06-03T03:30:00Z"  # 11:30 in Yiyang, the clock says 12:00


def point_body(**overrides):
    body = {
        "name": "赫山区益老食堂",
        "type": "MEAL_POINT",
        "county_code": "430903",
        "township_code": "430903001",
        "capacity_per_slot": 50,
        "established_at": "2024-05-01T00:00:00Z",
    }
    body.update(overrides)
    return body


def meal_body(elder_id, **overrides):
    body = {
        "elder_id": elder_id,
        "served_at": LUNCH_TODAY,
        "verification_method": "FACE",
        "price_minor": 1200,
        "subsidy_minor": 500,
        "paid_minor": 700,
    }
    body.update(overrides)
    return body


async def new_point(svc, **overrides):
    r = await svc.client.post(
        "/meal-points", json=point_body(**overrides), headers=svc.auth("caseworker")
    )
    assert r.status_code == 201, r.text
    return r.json()


async def new_elder(svc):
    r = await svc.client.post("/elders", json=elder_body(), headers=svc.auth("caseworker"))
    assert r.status_code == 201, r.text
    return r.json()


async def serve(svc, point, elder, role="institution_staff", **overrides):
    return await svc.client.post(
        f"/meal-points/{point['id']}/meals",
        json=meal_body(elder["id"], **overrides),
        headers=svc.auth(role),
    )


async def test_establishing_a_point_opens_it_and_announces_it(svc):
    site = (
        await svc.client.post("/institutions", json=institution_body(), headers=svc.auth("admin"))
    ).json()
    brand = str(uuid.uuid4())
    point = await new_point(
        svc,
        type="CANTEEN",
        food_license_no="JY14309020001",
        operator_institution_id=site["id"],
        brand_project_id=brand,
    )
    assert point["status"] == "OPEN"
    assert [s["name"] for s in point["slots"]] == ["LUNCH", "DINNER"]
    [event] = await svc.events("eldercare.meal_points", subject=point["id"])
    assert event["data"] == {
        "meal_point_id": point["id"],
        "name": "赫山区益老食堂",
        "type": "CANTEEN",
        "brand_project_id": brand,
        "operator_institution_id": site["id"],
        "county_code": "430903",
        "township_code": "430903001",
        "capacity_per_slot": 50,
        "established_at": "2024-05-01T00:00:00Z",
    }


async def test_establishing_refuses_bad_points(svc):
    async with Unchanged(svc, topics=["eldercare.meal_points"]):
        no_licence = await svc.client.post(
            "/meal-points", json=point_body(type="CANTEEN"), headers=svc.auth("caseworker")
        )
        no_capacity = await svc.client.post(
            "/meal-points", json=point_body(capacity_per_slot=0), headers=svc.auth("caseworker")
        )
        future = await svc.client.post(
            "/meal-points",
            json=point_body(established_at="2024-06-04T00:00:00Z"),
            headers=svc.auth("caseworker"),
        )
        unknown = await svc.client.post(
            "/meal-points",
            json=point_body(operator_institution_id=str(uuid.uuid4())),
            headers=svc.auth("admin"),
        )
        overlap = await svc.client.post(
            "/meal-points",
            json=point_body(
                slots=[
                    {"name": "LUNCH", "start": "10:00", "end": "14:00"},
                    {"name": "DINNER", "start": "13:00", "end": "18:00"},
                ]
            ),
            headers=svc.auth("caseworker"),
        )
        role = await svc.client.post(
            "/meal-points", json=point_body(), headers=svc.auth("institution_staff")
        )
    assert_problem(no_licence, 422, "license_required")
    assert_problem(no_capacity, 422, "invalid_capacity")
    assert_problem(future, 422, "in_future")
    assert_problem(unknown, 422, "unknown_reference")
    assert_problem(overlap, 422, "invalid_slots")
    assert_problem(role, 403, "forbidden_role")


async def test_a_meal_is_served_once_per_elder_slot_and_local_date(svc):
    point, other = await new_point(svc), await new_point(svc)
    elder = await new_elder(svc)
    r = await serve(svc, point, elder)
    assert r.status_code == 201, r.text
    meal = r.json()
    assert meal["slot"] == "LUNCH"
    assert meal["served_on"] == "2024-06-03"
    [event] = await svc.events("eldercare.meals", subject=meal["id"])
    assert event["data"] == {
        "meal_id": meal["id"],
        "meal_point_id": point["id"],
        "elder_id": elder["id"],
        "served_at": LUNCH_TODAY,
        "slot": "LUNCH",
        "verification_method": "FACE",
        "price_minor": 1200,
        "subsidy_minor": 500,
        "paid_minor": 700,
    }
    async with Unchanged(svc, topics=["eldercare.meals"]):
        again = await serve(svc, point, elder, served_at="2024-06-03T04:00:00Z")
        elsewhere = await serve(svc, other, elder)
    assert_problem(again, 409, "duplicate_meal")
    assert_problem(elsewhere, 409, "duplicate_meal")
    # Local dates: 2024-06-02T17:00Z is 06-03 01:00 in Yiyang, outside every slot; dinner is fine.
    dinner = await serve(svc, point, elder, served_at="2024-06-02T09:00:00Z")
    assert dinner.json()["slot"] == "DINNER"
    assert dinner.json()["served_on"] == "2024-06-02"


async def test_meal_inputs_are_checked(svc):
    point, elder = await new_point(svc), await new_elder(svc)
    async with Unchanged(svc, topics=["eldercare.meals"]):
        late = await serve(svc, point, elder, served_at="2024-06-02T13:00:00Z")  # 21:00 local
        future = await serve(svc, point, elder, served_at="2024-06-03T04:30:00Z")
        wrong_slot = await serve(svc, point, elder, slot="DINNER")
        mismatch = await serve(svc, point, elder, paid_minor=600)
        over_cap = await serve(
            svc, point, elder, price_minor=3000, subsidy_minor=1500, paid_minor=1500
        )
        negative = await serve(
            svc, point, elder, price_minor=-100, subsidy_minor=0, paid_minor=-100
        )
        text_money = await serve(svc, point, elder, price_minor="1200")
        float_money = await serve(svc, point, elder, price_minor=1200.5)
        failed = await serve(svc, point, elder, verification_passed=False)
        face = await serve(svc, point, elder, face_image="AAAA")
        nobody = await serve(svc, point, {"id": str(uuid.uuid4())})
        no_point = await serve(svc, {"id": str(uuid.uuid4())}, elder)
        role = await serve(svc, point, elder, role="volunteer_coordinator")
    assert_problem(late, 422, "outside_service_hours")
    assert_problem(future, 422, "in_future")
    assert_problem(wrong_slot, 422, "outside_service_hours")
    assert_problem(mismatch, 422, "amounts_mismatch")
    assert_problem(over_cap, 422, "subsidy_over_cap")
    assert_problem(negative, 422, "invalid_amount")
    assert_problem(text_money, 422, "invalid_input")
    assert_problem(float_money, 422, "invalid_input")
    assert_problem(failed, 422, "verification_failed")
    assert_problem(face, 422, "invalid_input")
    assert_problem(nobody, 422, "unknown_reference")
    assert_problem(no_point, 404, "not_found")
    assert_problem(role, 403, "forbidden_role")


async def test_no_meal_at_a_point_suspended_or_closed_at_the_serving_time(svc, clock):
    point, elder = await new_point(svc), await new_elder(svc)
    closing = await new_point(svc)
    clock.set(datetime(2024, 6, 2, 2, 0, tzinfo=UTC))  # 06-02 10:00 local
    suspended = await svc.client.post(
        f"/meal-points/{point['id']}/suspend",
        json={"reason_code": "LICENCE_RENEWAL"},
        headers=svc.auth("caseworker"),
    )
    assert suspended.json()["status"] == "SUSPENDED"
    await svc.client.post(f"/meal-points/{closing['id']}/close", json={}, headers=svc.auth("admin"))
    clock.set(datetime(2024, 6, 3, 4, 0, tzinfo=UTC))
    async with Unchanged(svc, topics=["eldercare.meals"]):
        at_suspended = await serve(svc, point, elder)
        at_closed = await serve(svc, closing, elder)
    assert_problem(at_suspended, 409, "meal_point_closed")
    assert_problem(at_closed, 409, "meal_point_closed")
    # Recorded late, served while the point was still open: accepted.
    before = await serve(svc, point, elder, served_at="2024-06-01T03:30:00Z")
    assert before.status_code == 201, before.text
    resumed = await svc.client.post(
        f"/meal-points/{point['id']}/resume", json={}, headers=svc.auth("caseworker")
    )
    assert resumed.json()["status"] == "OPEN"
    # Served at the instant of resumption (12:00): open again. At 11:30 it was still suspended.
    assert (await serve(svc, point, elder, served_at="2024-06-03T04:00:00Z")).status_code == 201
    events = await svc.events("eldercare.meal_points", subject=point["id"])
    assert [e["type"] for e in events] == [
        "eldercare.meal_point.established.v1",
        "eldercare.meal_point.suspended.v1",
        "eldercare.meal_point.resumed.v1",
    ]
    assert events[1]["data"]["reason_code"] == "LICENCE_RENEWAL"
    async with Unchanged(svc):
        reclose = await svc.client.post(
            f"/meal-points/{closing['id']}/close", json={}, headers=svc.auth("admin")
        )
        resume_open = await svc.client.post(
            f"/meal-points/{point['id']}/resume", json={}, headers=svc.auth("admin")
        )
    assert_problem(reclose, 409, "invalid_state")
    assert_problem(resume_open, 409, "invalid_state")


async def test_no_meal_for_a_deceased_elder_and_no_more_than_capacity(svc):
    point = await new_point(svc, capacity_per_slot=1)
    a, b, dead = await new_elder(svc), await new_elder(svc), await new_elder(svc)
    await svc.client.post(
        f"/elders/{dead['id']}/record-death",
        json={"died_on": "2024-06-03"},
        headers=svc.auth("caseworker"),
    )
    assert (await serve(svc, point, a)).status_code == 201
    roomy = await new_point(svc)
    async with Unchanged(svc, topics=["eldercare.meals"]):
        full = await serve(svc, point, b)
        deceased = await serve(svc, roomy, dead)
    assert_problem(full, 409, "capacity_exceeded")
    assert_problem(deceased, 409, "elder_not_active")


async def test_two_meals_for_one_elder_and_slot_sent_at_once_make_one_meal(svc):
    point, other, elder = await new_point(svc), await new_point(svc), await new_elder(svc)
    same_point = await asyncio.gather(
        serve(svc, point, elder), serve(svc, point, elder, verification_method="CARD")
    )
    assert sorted(r.status_code for r in same_point) == [201, 409]
    other_elder = await new_elder(svc)
    two_points = await asyncio.gather(
        serve(svc, point, other_elder), serve(svc, other, other_elder)
    )
    assert sorted(r.status_code for r in two_points) == [201, 409]
    for r in (*same_point, *two_points):
        if r.status_code == 409:
            assert_problem(r, 409, "duplicate_meal")
    for who in (elder, other_elder):
        count = await svc.pool.fetchval(
            "SELECT count(*) FROM meals WHERE elder_id = $1", uuid.UUID(who["id"])
        )
        assert count == 1
