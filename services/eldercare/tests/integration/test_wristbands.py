"""Yellow wristbands and missing-person cases (DOMAIN §5.5, §11.6 #28)."""

import json
import uuid

from tests.integration.support import Unchanged, assert_problem, elder_body


async def new_elder(svc):
    r = await svc.client.post("/elders", json=elder_body(), headers=svc.auth("caseworker"))
    assert r.status_code == 201, r.text
    return r.json()


def band_body(elder, **overrides):
    body = {
        "code": f"HSH-{uuid.uuid4().hex[:10]}",
        "elder_id": elder["id"],
        "brand_project_id": str(uuid.uuid4()),
    }
    body.update(overrides)
    return body


async def issue(svc, body):
    return await svc.client.post("/wristbands", json=body, headers=svc.auth("caseworker"))


async def test_a_band_is_announced_without_its_printed_code(svc):
    elder = await new_elder(svc)
    body = band_body(elder)
    r = await issue(svc, body)
    assert r.status_code == 201, r.text
    band = r.json()
    assert band["code"] == body["code"]
    [event] = await svc.events("eldercare.wristbands", subject=band["id"])
    assert event["data"] == {
        "wristband_id": band["id"],
        "elder_id": elder["id"],
        "brand_project_id": body["brand_project_id"],
        "issued_at": "2024-06-03T04:00:00Z",
    }
    assert body["code"] not in json.dumps(event)


async def test_one_active_band_per_elder_and_unique_codes(svc):
    elder, other, dead = await new_elder(svc), await new_elder(svc), await new_elder(svc)
    await svc.client.post(
        f"/elders/{dead['id']}/record-death",
        json={"died_on": "2024-06-03"},
        headers=svc.auth("caseworker"),
    )
    first = (await issue(svc, band_body(elder))).json()
    async with Unchanged(svc, topics=["eldercare.wristbands"]):
        second = await issue(svc, band_body(elder))
        same_code = await issue(svc, band_body(other, code=first["code"]))
        deceased = await issue(svc, band_body(dead))
        unknown = await issue(svc, band_body({"id": str(uuid.uuid4())}))
        role = await svc.client.post(
            "/wristbands", json=band_body(other), headers=svc.auth("institution_staff")
        )
    assert_problem(second, 409, "already_has_wristband")
    assert_problem(same_code, 409, "duplicate_code")
    assert_problem(deceased, 409, "elder_not_active")
    assert_problem(unknown, 422, "unknown_reference")
    assert_problem(role, 403, "forbidden_role")
    off = await svc.client.post(
        f"/wristbands/{first['id']}/deactivate",
        json={"reason_code": "LOST"},
        headers=svc.auth("caseworker"),
    )
    assert off.json()["status"] == "DEACTIVATED"
    [_, event] = await svc.events("eldercare.wristbands", subject=first["id"])
    assert event["data"]["reason_code"] == "LOST"
    async with Unchanged(svc):
        again = await svc.client.post(
            f"/wristbands/{first['id']}/deactivate", json={}, headers=svc.auth("caseworker")
        )
    assert_problem(again, 409, "invalid_state")
    assert (await issue(svc, band_body(elder))).status_code == 201


async def test_a_missing_case_is_reported_and_found_without_whereabouts_in_events(svc):
    elder = await new_elder(svc)
    place = "资阳区汽车站候车厅"
    r = await svc.client.post(
        "/missing-cases",
        json={"elder_id": elder["id"], "last_seen_place": place, "note": "穿蓝色外套"},
        headers=svc.auth("volunteer_coordinator"),
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["county_code"] == "430903"
    found_body = {
        "found_at": "2024-06-03T04:00:00Z",
        "outcome": "FOUND_SAFE",
        "finder_details": "热心市民王先生",
    }
    async with Unchanged(svc, topics=["eldercare.missing_cases"]):
        again = await svc.client.post(
            "/missing-cases", json={"elder_id": elder["id"]}, headers=svc.auth("caseworker")
        )
        too_early = await svc.client.post(
            f"/missing-cases/{case['id']}/found",
            json={**found_body, "found_at": "2024-06-03T03:00:00Z"},
            headers=svc.auth("caseworker"),
        )
        future = await svc.client.post(
            f"/missing-cases/{case['id']}/found",
            json={**found_body, "found_at": "2024-06-03T05:00:00Z"},
            headers=svc.auth("caseworker"),
        )
    assert_problem(again, 409, "case_already_open")
    assert_problem(too_early, 422, "found_before_reported")
    assert_problem(future, 422, "in_future")
    found = await svc.client.post(
        f"/missing-cases/{case['id']}/found", json=found_body, headers=svc.auth("caseworker")
    )
    assert found.json()["outcome"] == "FOUND_SAFE"
    events = await svc.events("eldercare.missing_cases", subject=case["id"])
    assert [e["type"] for e in events] == [
        "eldercare.missing_case.reported.v1",
        "eldercare.missing_case.found.v1",
    ]
    assert events[0]["data"] == {
        "case_id": case["id"],
        "elder_id": elder["id"],
        "county_code": "430903",
        "reported_at": "2024-06-03T04:00:00Z",
    }
    assert events[1]["data"]["outcome"] == "FOUND_SAFE"
    wire = json.dumps(events, ensure_ascii=False)
    assert place not in wire
    assert "王先生" not in wire
    async with Unchanged(svc):
        twice = await svc.client.post(
            f"/missing-cases/{case['id']}/found", json=found_body, headers=svc.auth("caseworker")
        )
    assert_problem(twice, 409, "invalid_state")
    reopened = await svc.client.post(
        "/missing-cases", json={"elder_id": elder["id"]}, headers=svc.auth("caseworker")
    )
    assert reopened.status_code == 201


async def test_missing_case_refusals(svc):
    dead = await new_elder(svc)
    await svc.client.post(
        f"/elders/{dead['id']}/record-death",
        json={"died_on": "2024-06-03"},
        headers=svc.auth("caseworker"),
    )
    alive = await new_elder(svc)
    async with Unchanged(svc, topics=["eldercare.missing_cases"]):
        deceased = await svc.client.post(
            "/missing-cases", json={"elder_id": dead["id"]}, headers=svc.auth("caseworker")
        )
        phone_note = await svc.client.post(
            "/missing-cases",
            json={"elder_id": alive["id"], "note": "家属电话13912345678"},
            headers=svc.auth("caseworker"),
        )
        role = await svc.client.post(
            "/missing-cases", json={"elder_id": alive["id"]}, headers=svc.auth("auditor")
        )
        unknown = await svc.client.post(
            f"/missing-cases/{uuid.uuid4()}/found", json={}, headers=svc.auth("caseworker")
        )
    assert_problem(deceased, 409, "elder_not_active")
    assert_problem(phone_note, 422, "pii_in_free_text")
    assert "13912345678" not in phone_note.text
    assert_problem(role, 403, "forbidden_role")
    assert_problem(unknown, 404, "not_found")
