"""DOMAIN §11.6, the eldercare rows (#15-#28, #39): each refused with its code, nothing emitted."""

import uuid
from datetime import UTC, date, datetime

from tests.integration.support import (
    ELDERCARE_TOPICS,
    Unchanged,
    assert_problem,
    elder_body,
    id_card,
    institution_body,
)

PLAN = [{"item_code": "GRAB_BAR", "category": "BASIC", "cost_minor": 400_000}]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


async def call(svc, method, path, body=None, role="caseworker", headers=None):
    return await svc.client.request(
        method, path, json=body, headers={**svc.auth(role), **(headers or {})}
    )


async def ok(response, status=None):
    assert response.status_code in ((status,) if status else (200, 201)), response.text
    return response.json()


async def build_the_year(svc, clock):
    """A small world shaped like the demo's: an A0 household, a suspended and a closed point."""
    w = {}
    clock.set(at("2023-03-01T10:00:00+08:00"))
    w["a0"] = await ok(await call(svc, "POST", "/elders", elder_body()))
    w["household"] = str(uuid.uuid4())
    mod = await ok(
        await call(
            svc,
            "POST",
            "/home-modifications",
            {"household_id": w["household"], "elder_id": w["a0"]["id"]},
        )
    )
    for step, body in (
        ("assess", {"plan": PLAN, "subsidy_minor": 280_000}),
        ("approve", {}),
        ("complete", {"contractor_org_id": str(uuid.uuid4()), "photo_ids": [str(uuid.uuid4())]}),
        ("accept", {"inspector_id": str(uuid.uuid4())}),
    ):
        await ok(await call(svc, "POST", f"/home-modifications/{mod['id']}/{step}", body))
    clock.set(at("2024-01-15T09:00:00+08:00"))
    w["eld1"] = await ok(await call(svc, "POST", "/elders", elder_body()))
    w["user"] = await ok(await call(svc, "POST", "/elders", elder_body()))
    w["dead"] = await ok(await call(svc, "POST", "/elders", elder_body()))
    w["closing"] = await ok(
        await call(
            svc,
            "POST",
            "/meal-points",
            {
                "name": "2023 助餐点",
                "type": "MEAL_POINT",
                "county_code": "430902",
                "township_code": "430902001",
                "capacity_per_slot": 40,
            },
        )
    )
    w["point"] = await ok(
        await call(
            svc,
            "POST",
            "/meal-points",
            {
                "name": "益老食堂",
                "type": "CANTEEN",
                "food_license_no": "JY1430",
                "county_code": "430903",
                "township_code": "430903001",
                "capacity_per_slot": 40,
            },
        )
    )
    w["site"] = await ok(
        await call(svc, "POST", "/institutions", institution_body(beds=1), "admin")
    )
    await ok(
        await call(
            svc,
            "POST",
            f"/elders/{w['eld1']['id']}/admit",
            {"institution_id": w["site"]["id"], "admitted_at": "2024-01-15T01:00:00Z"},
        )
    )
    w["band"] = await ok(
        await call(
            svc,
            "POST",
            "/wristbands",
            {
                "code": f"HSH-{uuid.uuid4().hex[:8]}",
                "elder_id": w["user"]["id"],
                "brand_project_id": str(uuid.uuid4()),
            },
        )
    )
    w["approved"] = await ok(
        await call(
            svc,
            "POST",
            "/home-modifications",
            {"household_id": str(uuid.uuid4()), "elder_id": w["user"]["id"]},
        )
    )
    for step, body in (("assess", {"plan": PLAN, "subsidy_minor": 280_000}), ("approve", {})):
        await ok(await call(svc, "POST", f"/home-modifications/{w['approved']['id']}/{step}", body))
    w["assessable"] = await ok(
        await call(
            svc,
            "POST",
            "/home-modifications",
            {"household_id": str(uuid.uuid4()), "elder_id": w["eld1"]["id"]},
        )
    )
    clock.set(at("2024-03-05T10:00:00+08:00"))
    await ok(
        await call(
            svc, "POST", f"/elders/{w['dead']['id']}/record-death", {"died_on": "2024-03-05"}
        )
    )
    clock.set(at("2024-06-30T18:00:00+08:00"))
    await ok(await call(svc, "POST", f"/meal-points/{w['closing']['id']}/close", {}))
    clock.set(at("2024-11-20T14:00:00+08:00"))
    await ok(
        await call(
            svc,
            "POST",
            f"/meal-points/{w['point']['id']}/suspend",
            {"reason_code": "LICENCE_RENEWAL"},
        )
    )
    clock.set(at("2024-11-18T12:00:00+08:00"))
    return w


def meal(elder, served_at, **overrides):
    body = {
        "elder_id": elder["id"],
        "served_at": served_at,
        "verification_method": "CARD",
        "price_minor": 1000,
        "subsidy_minor": 400,
        "paid_minor": 600,
    }
    body.update(overrides)
    return body


async def test_every_eldercare_bad_input_is_refused_with_its_code_and_emits_nothing(svc, clock):
    w = await build_the_year(svc, clock)
    number = (
        await call(svc, "GET", f"/elders/{w['eld1']['id']}/personal-data?purpose=fixture")
    ).json()["id_card_no"]
    # A lunch on 11-18 at the canteen, before its suspension: #22 repeats it.
    await ok(
        await call(
            svc,
            "POST",
            f"/meal-points/{w['point']['id']}/meals",
            meal(w["user"], "2024-11-18T11:30:00+08:00"),
            "institution_staff",
        )
    )
    key = {"Idempotency-Key": "script-line-39"}
    first_body = elder_body()
    first = await ok(await call(svc, "POST", "/elders", first_body, headers=key))
    bad = id_card(date(1950, 2, 2))
    bad = bad[:-1] + ("1" if bad[-1] == "0" else "0")
    codes = []
    async with Unchanged(svc, topics=ELDERCARE_TOPICS):
        codes.append(
            (await call(svc, "POST", "/elders", elder_body(id_card_no=bad)), 422, "invalid_id_card")
        )  # 15
        codes.append(
            (
                await call(svc, "POST", "/elders", elder_body(id_card_no=number)),
                409,
                "duplicate_elder",
            )
        )  # 16
        young = id_card(date(1965, 1, 1))
        codes.append(
            (await call(svc, "POST", "/elders", elder_body(id_card_no=young)), 422, "not_elderly")
        )  # 17
        codes.append(
            (await call(svc, "POST", "/elders", elder_body(phone="1234567")), 422, "invalid_phone")
        )  # 18
        clock.set(at("2024-11-25T11:30:00+08:00"))
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/meal-points/{w['point']['id']}/meals",
                    meal(w["user"], "2024-11-25T11:30:00+08:00"),
                ),
                409,
                "meal_point_closed",
            )
        )  # 19
        clock.set(at("2024-07-02T11:30:00+08:00"))
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/meal-points/{w['closing']['id']}/meals",
                    meal(w["user"], "2024-07-02T11:30:00+08:00"),
                ),
                409,
                "meal_point_closed",
            )
        )  # 20
        clock.set(at("2024-11-18T22:00:00+08:00"))
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/meal-points/{w['point']['id']}/meals",
                    meal(w["user"], "2024-11-18T21:00:00+08:00"),
                ),
                422,
                "outside_service_hours",
            )
        )  # 21
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/meal-points/{w['point']['id']}/meals",
                    meal(w["user"], "2024-11-18T12:30:00+08:00"),
                ),
                409,
                "duplicate_meal",
            )
        )  # 22
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/meal-points/{w['point']['id']}/meals",
                    meal(w["dead"], "2024-11-18T12:00:00+08:00"),
                ),
                409,
                "elder_not_active",
            )
        )  # 23
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    "/home-modifications",
                    {"household_id": w["household"], "elder_id": w["a0"]["id"]},
                ),
                409,
                "duplicate_household",
            )
        )  # 24
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/home-modifications/{w['assessable']['id']}/assess",
                    {"plan": PLAN, "subsidy_minor": 350_000},
                ),
                422,
                "subsidy_over_cap",
            )
        )  # 25
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/home-modifications/{w['approved']['id']}/accept",
                    {"inspector_id": str(uuid.uuid4())},
                ),
                409,
                "invalid_state",
            )
        )  # 26
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    f"/elders/{w['user']['id']}/admit",
                    {"institution_id": w["site"]["id"], "admitted_at": "2024-11-01T00:00:00Z"},
                ),
                409,
                "no_free_bed",
            )
        )  # 27
        codes.append(
            (
                await call(
                    svc,
                    "POST",
                    "/wristbands",
                    {
                        "code": f"HSH-{uuid.uuid4().hex[:8]}",
                        "elder_id": w["user"]["id"],
                        "brand_project_id": str(uuid.uuid4()),
                    },
                ),
                409,
                "already_has_wristband",
            )
        )  # 28
        codes.append(
            (
                await call(svc, "POST", "/elders", elder_body(), headers=key),
                422,
                "idempotency_key_reused",
            )
        )  # 39, different body
        replay = await call(svc, "POST", "/elders", first_body, headers=key)  # 39, same body
    for response, status, code in codes:
        problem = assert_problem(response, status, code)
        assert number not in response.text
        assert problem["status"] == status
    assert replay.status_code == 201
    assert replay.json() == first
