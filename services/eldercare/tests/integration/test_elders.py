"""Elder records: registration rules, residence, life events (DOMAIN §5.2, §11.6 #15-18, #27)."""

import asyncio
import uuid
from datetime import date

from tests.integration.support import (
    Unchanged,
    assert_problem,
    elder_body,
    id_card,
    institution_body,
    person,
)


async def register_elder(svc, **overrides):
    r = await svc.client.post(
        "/elders", json=elder_body(**overrides), headers=svc.auth("caseworker")
    )
    assert r.status_code == 201, r.text
    return r.json()


async def register_site(svc, **overrides):
    r = await svc.client.post(
        "/institutions", json=institution_body(**overrides), headers=svc.auth("admin")
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_registration_publishes_only_public_attributes(svc):
    body = elder_body(
        id_card_no=id_card(date(1938, 2, 1), male=False), care_pillars=["HOME", "SAFETY_NET"]
    )
    r = await svc.client.post("/elders", json=body, headers=svc.auth("caseworker"))
    assert r.status_code == 201, r.text
    elder = r.json()
    assert elder["age_band"] == "80-89"
    assert elder["sex"] == "F"
    assert (
        elder["personal"]["id_card_no"]
        == body["id_card_no"][:3] + "*" * 11 + body["id_card_no"][-4:]
    )
    [event] = await svc.events("eldercare.elders", subject=elder["id"])
    assert event["type"] == "eldercare.elder.registered.v1"
    assert event["data"] == {
        "elder_id": elder["id"],
        "age_band": "80-89",
        "sex": "F",
        "county_code": "430903",
        "township_code": "430903001",
        "care_pillars": ["SAFETY_NET", "HOME"],
        "registered_at": "2024-06-03T04:00:00Z",
    }


async def test_a_wrong_check_character_is_422_and_the_number_is_not_echoed(svc):
    good = id_card(date(1944, 3, 9))
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    async with Unchanged(svc, topics=["eldercare.elders"]):
        r = await svc.client.post(
            "/elders", json=elder_body(id_card_no=bad), headers=svc.auth("caseworker")
        )
    assert_problem(r, 422, "invalid_id_card")
    assert bad not in r.text
    assert bad[:17] not in r.text


async def test_malformed_numbers_and_impossible_birth_dates_are_422(svc):
    for bad in ("43090219440309", "A30902194403091234", "430902194402301230", "00090219440309123X"):
        r = await svc.client.post(
            "/elders", json=elder_body(id_card_no=bad), headers=svc.auth("caseworker")
        )
        assert_problem(r, 422, "invalid_id_card")


async def test_a_lowercase_x_is_normalised(svc):
    for _ in range(50):
        number = id_card(date(1950, 1, 1))
        if number.endswith("X"):
            break
    else:
        raise AssertionError("no X check character in 50 draws")
    elder = await register_elder(svc, id_card_no=number.lower())
    dup = await svc.client.post(
        "/elders", json=elder_body(id_card_no=number), headers=svc.auth("caseworker")
    )
    problem = assert_problem(dup, 409, "duplicate_elder")
    assert problem["elder_id"] == elder["id"]


async def test_a_second_registration_of_the_same_person_is_409_duplicate_elder(svc):
    first = await register_elder(svc)
    number = (
        await svc.client.get(
            f"/elders/{first['id']}/personal-data",
            params={"purpose": "查重测试"},
            headers=svc.auth("caseworker"),
        )
    ).json()["id_card_no"]
    async with Unchanged(svc, topics=["eldercare.elders"]):
        r = await svc.client.post(
            "/elders",
            json=elder_body(id_card_no=number, name="另一个名字"),
            headers=svc.auth("caseworker"),
        )
    problem = assert_problem(r, 409, "duplicate_elder")
    assert problem["elder_id"] == first["id"]
    assert number not in r.text


async def test_under_60_on_the_registration_date_is_not_elderly(svc):
    # Born 1964-06-04: 59 on 2024-06-03, 60 the next day.
    async with Unchanged(svc):
        r = await svc.client.post(
            "/elders",
            json=elder_body(id_card_no=id_card(date(1964, 6, 4))),
            headers=svc.auth("caseworker"),
        )
    assert_problem(r, 422, "not_elderly")
    await register_elder(svc, id_card_no=id_card(date(1964, 6, 3)))


async def test_a_phone_that_is_not_a_mainland_mobile_is_422(svc):
    async with Unchanged(svc):
        r = await svc.client.post(
            "/elders", json=elder_body(phone="1234567"), headers=svc.auth("caseworker")
        )
    assert_problem(r, 422, "invalid_phone")
    assert "1234567" not in r.text


async def test_two_simultaneous_registrations_of_one_id_number_create_one_elder(svc):
    body = elder_body()
    first, second = await asyncio.gather(
        svc.client.post("/elders", json=body, headers=svc.auth("caseworker")),
        svc.client.post(
            "/elders", json={**body, "name": "并发测试"}, headers=svc.auth("caseworker")
        ),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    winner = first if first.status_code == 201 else second
    loser = second if winner is first else first
    assert_problem(loser, 409, "duplicate_elder")
    count = await svc.pool.fetchval(
        "SELECT count(*) FROM elders "
        "WHERE id_card_hmac = (SELECT id_card_hmac FROM elders WHERE id = $1)",
        uuid.UUID(winner.json()["id"]),
    )
    assert count == 1
    assert len(await svc.events("eldercare.elders", subject=winner.json()["id"])) == 1


async def test_assessment_event_carries_no_level(svc):
    elder = await register_elder(svc)
    assessment_id = str(uuid.uuid4())
    r = await svc.client.post(
        f"/elders/{elder['id']}/assessments",
        json={
            "id": assessment_id,
            "ability_level": "SEVERE",
            "assessor_id": str(uuid.uuid4()),
            "assessed_at": "2024-06-02T01:00:00Z",
        },
        headers=svc.auth("caseworker"),
    )
    assert r.status_code == 200, r.text
    events = await svc.events("eldercare.elders", subject=elder["id"])
    assert events[-1]["data"] == {
        "elder_id": elder["id"],
        "assessment_id": assessment_id,
        "assessed_at": "2024-06-02T01:00:00Z",
    }
    assert "SEVERE" not in str(events)
    clear = await svc.client.get(
        f"/elders/{elder['id']}/personal-data",
        params={"purpose": "照护计划", "fields": ["ability_level"]},
        headers=svc.auth("caseworker"),
    )
    assert clear.json()["ability_level"] == "SEVERE"
    async with Unchanged(svc):
        future = await svc.client.post(
            f"/elders/{elder['id']}/assessments",
            json={
                "ability_level": "MILD",
                "assessor_id": str(uuid.uuid4()),
                "assessed_at": "2024-06-04T01:00:00Z",
            },
            headers=svc.auth("caseworker"),
        )
    assert_problem(future, 422, "in_future")


async def test_admission_needs_a_free_bed_and_one_residence_at_a_time(svc):
    site = await register_site(svc, beds=1)
    other = await register_site(svc, beds=5)
    a, b = await register_elder(svc), await register_elder(svc)
    admit = {"institution_id": site["id"], "admitted_at": "2024-06-01T02:00:00Z"}
    ok = await svc.client.post(
        f"/elders/{a['id']}/admit", json=admit, headers=svc.auth("institution_staff")
    )
    assert ok.json()["institution_id"] == site["id"]
    async with Unchanged(svc, topics=["eldercare.elders"]):
        full = await svc.client.post(
            f"/elders/{b['id']}/admit", json=admit, headers=svc.auth("caseworker")
        )
        twice = await svc.client.post(
            f"/elders/{a['id']}/admit",
            json={**admit, "institution_id": other["id"]},
            headers=svc.auth("caseworker"),
        )
    assert_problem(full, 409, "no_free_bed")
    assert_problem(twice, 409, "already_resident")
    left = await svc.client.post(
        f"/elders/{a['id']}/discharge", json={}, headers=svc.auth("caseworker")
    )
    assert left.json()["institution_id"] is None
    events = await svc.events("eldercare.elders", subject=a["id"])
    assert [e["type"].split(".")[2] for e in events] == ["registered", "admitted", "discharged"]
    assert events[-1]["data"]["institution_id"] == site["id"]


async def test_admission_refuses_inactive_and_non_residential_sites_and_unknown_ones(svc):
    elder = await register_elder(svc)
    funeral = await register_site(svc, kind="FUNERAL_HOME")
    closed = await register_site(svc)
    await svc.client.post(f"/institutions/{closed['id']}/close", json={}, headers=svc.auth("admin"))
    at = "2024-06-01T02:00:00Z"
    async with Unchanged(svc):
        r1 = await svc.client.post(
            f"/elders/{elder['id']}/admit",
            json={"institution_id": funeral["id"], "admitted_at": at},
            headers=svc.auth("caseworker"),
        )
        r2 = await svc.client.post(
            f"/elders/{elder['id']}/admit",
            json={"institution_id": closed["id"], "admitted_at": at},
            headers=svc.auth("caseworker"),
        )
        r3 = await svc.client.post(
            f"/elders/{elder['id']}/admit",
            json={"institution_id": str(uuid.uuid4()), "admitted_at": at},
            headers=svc.auth("caseworker"),
        )
    assert_problem(r1, 409, "not_residential")
    assert_problem(r2, 409, "institution_not_active")
    assert_problem(r3, 422, "unknown_reference")


async def test_death_of_a_resident_discharges_them_and_deactivates_their_wristband(svc):
    site = await register_site(svc)
    elder = await register_elder(svc)
    await svc.client.post(
        f"/elders/{elder['id']}/admit",
        json={"institution_id": site["id"], "admitted_at": "2024-06-01T02:00:00Z"},
        headers=svc.auth("caseworker"),
    )
    band = await svc.client.post(
        "/wristbands",
        json={
            "code": f"HSH-{uuid.uuid4().hex[:8]}",
            "elder_id": elder["id"],
            "brand_project_id": str(uuid.uuid4()),
        },
        headers=svc.auth("caseworker"),
    )
    assert band.status_code == 201, band.text
    async with Unchanged(svc):
        future = await svc.client.post(
            f"/elders/{elder['id']}/record-death",
            json={"died_on": "2024-06-04"},
            headers=svc.auth("caseworker"),
        )
        early = await svc.client.post(
            f"/elders/{elder['id']}/record-death",
            json={"died_on": "2024-06-02"},
            headers=svc.auth("caseworker"),
        )
    assert_problem(future, 422, "died_on_in_future")
    assert_problem(early, 422, "died_before_registration")
    died = await svc.client.post(
        f"/elders/{elder['id']}/record-death",
        json={"died_on": "2024-06-03"},
        headers=svc.auth("caseworker"),
    )
    assert died.json()["status"] == "DECEASED"
    events = await svc.events("eldercare.elders", subject=elder["id"])
    assert [e["type"].split(".")[2] for e in events][-2:] == ["discharged", "deceased"]
    [_issued, deactivated] = await svc.events("eldercare.wristbands", subject=band.json()["id"])
    assert deactivated["data"]["reason_code"] == "ELDER_DECEASED"
    assert deactivated["causationid"] == events[-1]["id"]
    async with Unchanged(svc):
        again = await svc.client.post(
            f"/elders/{elder['id']}/record-death",
            json={"died_on": "2024-06-03"},
            headers=svc.auth("caseworker"),
        )
        moved = await svc.client.post(
            f"/elders/{elder['id']}/move-out", json={}, headers=svc.auth("caseworker")
        )
    assert_problem(again, 409, "elder_not_active")
    assert_problem(moved, 409, "elder_not_active")


async def test_moving_out_needs_a_discharge_first(svc):
    site = await register_site(svc)
    elder = await register_elder(svc)
    await svc.client.post(
        f"/elders/{elder['id']}/admit",
        json={"institution_id": site["id"], "admitted_at": "2024-06-01T02:00:00Z"},
        headers=svc.auth("caseworker"),
    )
    async with Unchanged(svc):
        r = await svc.client.post(
            f"/elders/{elder['id']}/move-out", json={}, headers=svc.auth("caseworker")
        )
    assert_problem(r, 409, "still_resident")
    await svc.client.post(
        f"/elders/{elder['id']}/discharge", json={}, headers=svc.auth("caseworker")
    )
    moved = await svc.client.post(
        f"/elders/{elder['id']}/move-out",
        json={"moved_out_on": "2024-06-02"},
        headers=svc.auth("caseworker"),
    )
    assert moved.json()["status"] == "MOVED_OUT"
    [*_, event] = await svc.events("eldercare.elders", subject=elder["id"])
    assert event["data"] == {"elder_id": elder["id"], "moved_out_on": "2024-06-02"}


async def test_elder_commands_check_roles(svc):
    elder = await register_elder(svc)
    r = await svc.client.post("/elders", json=elder_body())
    assert_problem(r, 401, "unauthenticated")
    for role in ("auditor", "volunteer_coordinator", "admin"):
        r = await svc.client.post("/elders", json=elder_body(), headers=svc.auth(role))
        assert_problem(r, 403, "forbidden_role")
    r = await svc.client.post(
        f"/elders/{elder['id']}/record-death",
        json={"died_on": "2024-06-03"},
        headers=svc.auth("institution_staff"),
    )
    assert_problem(r, 403, "forbidden_role")


async def test_unknown_fields_are_refused(svc):
    body = {**elder_body(), "face_image": "data:image/png;base64,AAAA"}
    r = await svc.client.post("/elders", json=body, headers=svc.auth("caseworker"))
    assert_problem(r, 422, "invalid_input")
    assert person()["name"] not in r.text
