"""The 银龄行动 volunteer corps, its branches, volunteers and services (DOMAIN §5.6)."""

import json
import uuid

from tests.integration.support import (
    Unchanged,
    assert_problem,
    elder_body,
    institution_body,
    person,
)

BRANCHES = [
    "资阳区分队",
    "赫山区分队",
    "南县分队",
    "桃江县分队",
    "安化县分队",
    "沅江市分队",
    "大通湖区分队",
]
COUNTIES = ["430902", "430903", "430921", "430922", "430923", "430981", "430900-DTH"]
TOPIC = "eldercare.volunteer_corps"


async def post(svc, path, body, role="volunteer_coordinator"):
    return await svc.client.post(path, json=body, headers=svc.auth(role))


async def corps_with_branches(svc, n=1):
    corps = (await post(svc, "/volunteer-corps", {"name": "益阳市银龄行动志愿服务总队"})).json()
    branches = []
    for name, county in list(zip(BRANCHES, COUNTIES, strict=True))[:n]:
        r = await post(
            svc, f"/volunteer-corps/{corps['id']}/branches", {"name": name, "county_code": county}
        )
        assert r.status_code == 201, r.text
        branches.append(r.json())
    return corps, branches


async def enroll(svc, branch, **overrides):
    body = {
        "branch_id": branch["id"],
        "name": person()["name"],
        "phone": person()["phone"],
        "birth_date": "1958-04-02",
    }
    body.update(overrides)
    return await post(svc, "/volunteers", body)


async def test_a_corps_with_seven_branches_is_one_ordered_stream(svc):
    corps, _ = await corps_with_branches(svc, 7)
    leader = str(uuid.uuid4())
    events = await svc.events(TOPIC, subject=corps["id"])
    assert [e["aggregateversion"] for e in events] == list(range(1, 9))
    assert events[0]["type"] == "eldercare.volunteer_corps.founded.v1"
    assert {e["type"] for e in events[1:]} == {"eldercare.volunteer_corps.branch_founded.v1"}
    assert [e["data"]["name"] for e in events[1:]] == BRANCHES
    assert events[7]["data"]["county_code"] == "430900-DTH"
    fetched = await svc.client.get(f"/volunteer-corps/{corps['id']}", headers=svc.auth("auditor"))
    assert len(fetched.json()["branches"]) == 7
    assert fetched.json()["aggregate_version"] == 8
    async with Unchanged(svc, topics=[TOPIC]):
        dup = await post(
            svc,
            f"/volunteer-corps/{corps['id']}/branches",
            {"name": BRANCHES[0], "county_code": "430902"},
        )
        role = await post(
            svc,
            f"/volunteer-corps/{corps['id']}/branches",
            {"name": "x", "county_code": "1"},
            "caseworker",
        )
    assert_problem(dup, 409, "duplicate_branch_name")
    assert_problem(role, 403, "forbidden_role")
    other = (await post(svc, "/volunteer-corps", {"name": "另一总队"})).json()
    same_name_elsewhere = await post(
        svc,
        f"/volunteer-corps/{other['id']}/branches",
        {"name": BRANCHES[0], "county_code": "430902", "leader_person_id": leader},
    )
    assert same_name_elsewhere.status_code == 201
    [*_, founded] = await svc.events(TOPIC, subject=other["id"])
    assert founded["data"]["leader_person_id"] == leader


async def test_volunteers_enrol_with_personal_data_only_in_the_vault(svc):
    _, [branch] = await corps_with_branches(svc)
    name, phone = "上官银龄", "13611112222"
    r = await enroll(svc, branch, name=name, phone=phone)
    assert r.status_code == 201, r.text
    volunteer = r.json()
    assert (volunteer["name"], volunteer["phone"], volunteer["age_band"]) == (
        "上**龄",
        "136****2222",
        "60-69",
    )
    [event] = await svc.events("eldercare.volunteers", subject=volunteer["id"])
    assert event["data"] == {
        "volunteer_id": volunteer["id"],
        "branch_id": branch["id"],
        "age_band": "60-69",
        "enrolled_at": "2024-06-03T04:00:00Z",
    }
    assert name not in json.dumps(event, ensure_ascii=False)
    assert phone not in json.dumps(event)
    masked = await svc.client.get(f"/volunteers/{volunteer['id']}", headers=svc.auth("caseworker"))
    assert masked.json()["phone"] == "136****2222"
    clear = await svc.client.get(
        f"/volunteers/{volunteer['id']}/personal-data",
        params={"purpose": "活动通知"},
        headers=svc.auth("volunteer_coordinator"),
    )
    assert clear.json() == {
        "volunteer_id": volunteer["id"],
        "name": name,
        "phone": phone,
        "birth_date": "1958-04-02",
    }
    denied = await svc.client.get(
        f"/volunteers/{volunteer['id']}/personal-data",
        params={"purpose": "x1"},
        headers=svc.auth("caseworker"),
    )
    assert_problem(denied, 403, "forbidden_role")
    audit = await svc.client.get(
        "/audit/personal-data", params={"subject_id": volunteer["id"]}, headers=svc.auth("admin")
    )
    [entry] = audit.json()
    assert (entry["subject_type"], entry["action"], entry["purpose"]) == (
        "volunteer",
        "READ",
        "活动通知",
    )
    async with Unchanged(svc, topics=["eldercare.volunteers"]):
        bad_phone = await enroll(svc, branch, phone="0737-1234567")
        young = await enroll(svc, branch, birth_date="2010-01-01")
        unknown = await enroll(svc, {"id": str(uuid.uuid4())})
    assert_problem(bad_phone, 422, "invalid_phone")
    assert_problem(young, 422, "too_young")
    assert_problem(unknown, 422, "unknown_reference")


async def test_dissolved_branches_take_no_volunteers_and_leaving_is_once(svc):
    corps, [branch] = await corps_with_branches(svc)
    member = (await enroll(svc, branch)).json()
    r = await post(svc, f"/volunteer-corps/{corps['id']}/branches/{branch['id']}/dissolve", {})
    assert r.json()["status"] == "DISSOLVED"
    [*_, dissolved] = await svc.events(TOPIC, subject=corps["id"])
    assert dissolved["type"] == "eldercare.volunteer_corps.branch_dissolved.v1"
    assert dissolved["aggregateversion"] == 3
    async with Unchanged(svc, topics=[TOPIC, "eldercare.volunteers"]):
        again = await post(
            svc, f"/volunteer-corps/{corps['id']}/branches/{branch['id']}/dissolve", {}
        )
        joined = await enroll(svc, branch)
        wrong_corps = await post(
            svc, f"/volunteer-corps/{uuid.uuid4()}/branches/{branch['id']}/dissolve", {}
        )
    assert_problem(again, 409, "invalid_state")
    assert_problem(joined, 409, "branch_dissolved")
    assert_problem(wrong_corps, 404, "not_found")
    left = await post(svc, f"/volunteers/{member['id']}/leave", {})
    assert left.json()["status"] == "LEFT"
    [_, event] = await svc.events("eldercare.volunteers", subject=member["id"])
    assert event["data"] == {"volunteer_id": member["id"], "left_at": "2024-06-03T04:00:00Z"}
    async with Unchanged(svc):
        twice = await post(svc, f"/volunteers/{member['id']}/leave", {})
    assert_problem(twice, 409, "invalid_state")


async def test_service_records_and_their_refusals(svc):
    corps, [branch, other_branch] = await corps_with_branches(svc, 2)
    volunteer = (await enroll(svc, branch)).json()
    gone = (await enroll(svc, branch)).json()
    await post(svc, f"/volunteers/{gone['id']}/leave", {})
    stranded = (await enroll(svc, other_branch)).json()
    await post(svc, f"/volunteer-corps/{corps['id']}/branches/{other_branch['id']}/dissolve", {})
    elder = (await post(svc, "/elders", elder_body(), "caseworker")).json()
    dead = (await post(svc, "/elders", elder_body(), "caseworker")).json()
    await post(svc, f"/elders/{dead['id']}/record-death", {"died_on": "2024-06-03"}, "caseworker")
    site = (await post(svc, "/institutions", institution_body(), "admin")).json()
    closed = (await post(svc, "/institutions", institution_body(), "admin")).json()
    await post(svc, f"/institutions/{closed['id']}/close", {}, "admin")

    def body(**overrides):
        b = {
            "volunteer_id": volunteer["id"],
            "service_type": "VISIT",
            "started_at": "2024-06-02T01:00:00Z",
            "minutes": 120,
            "elder_id": elder["id"],
        }
        b.update(overrides)
        return {k: v for k, v in b.items() if v is not None}

    visit = await post(svc, "/volunteer-services", body())
    assert visit.status_code == 201, visit.text
    at_site = await post(
        svc,
        "/volunteer-services",
        body(elder_id=None, institution_id=site["id"], service_type="CULTURAL"),
    )
    assert at_site.status_code == 201, at_site.text
    [event] = await svc.events("eldercare.volunteer_services", subject=at_site.json()["id"])
    assert event["data"] == {
        "record_id": at_site.json()["id"],
        "volunteer_id": volunteer["id"],
        "branch_id": branch["id"],
        "service_type": "CULTURAL",
        "started_at": "2024-06-02T01:00:00Z",
        "minutes": 120,
        "elder_id": None,
        "institution_id": site["id"],
    }
    cases = [
        (body(minutes=0), 422, "invalid_minutes"),
        (body(minutes=721), 422, "invalid_minutes"),
        (body(institution_id=site["id"]), 422, "target_required"),
        (body(elder_id=None), 422, "target_required"),
        (body(started_at="2024-06-03T05:00:00Z"), 422, "in_future"),
        (body(volunteer_id=gone["id"]), 409, "volunteer_not_active"),
        (body(volunteer_id=stranded["id"]), 409, "branch_not_active"),
        (body(elder_id=dead["id"]), 409, "elder_not_active"),
        (body(elder_id=None, institution_id=closed["id"]), 409, "institution_not_active"),
        (body(volunteer_id=str(uuid.uuid4())), 422, "unknown_reference"),
        (body(service_type="SHOPPING"), 422, "invalid_input"),
        (body(minutes=60.5), 422, "invalid_input"),
    ]
    async with Unchanged(svc, topics=["eldercare.volunteer_services"]):
        for b, status, code in cases:
            assert_problem(await post(svc, "/volunteer-services", b), status, code)
