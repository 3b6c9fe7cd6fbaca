"""Beneficiaries: the personal-data vault, enrolments, and deactivation."""

from __future__ import annotations

import json

from shared.testing import Harness
from tests.integration.helpers import Api, problem
from tests.support import id_card


async def test_a_childs_personal_data_stays_in_the_vault(api: Api, svc: Harness) -> None:
    number = id_card()
    child = await api.beneficiary(
        "CHILD",
        name="王小明",
        id_card_no=number,
        guardian_name="王大山",
        guardian_phone="13912345678",
        bank_account_no="6222020200112233445",
        school="赫山区第一小学",
        orphan_category="事实无人抚养",
    )
    assert child["personal"] == {
        "bank_account_no": "**** 3445",
        "guardian_name": "王*山",
        "guardian_phone": "139****5678",
        "id_card_no": number[:3] + "*" * 11 + number[-4:],
        "name": "王*明",
        "orphan_category": "已登记",
        "school": "已登记",
    }
    assert child["bank_account_token"]
    [event] = await api.events("charity.beneficiaries", child["id"])
    assert event["data"] == {
        "beneficiary_id": child["id"],
        "kind": "CHILD",
        "elder_id": None,
        "institution_id": None,
        "county_code": "430902",
        "registered_at": event["time"],
    }
    stored = await svc.pool.fetchrow(
        "SELECT r.ciphertext, k.key_id FROM vault_records r JOIN vault_keys k USING (subject_id)"
        " WHERE subject_id = $1",
        child["id"],
    )
    assert stored is not None
    assert stored["key_id"] == "k1"
    assert number.encode() not in stored["ciphertext"]
    assert "王小明".encode() not in stored["ciphertext"]
    row = await svc.pool.fetchrow("SELECT * FROM beneficiaries WHERE id = $1", child["id"])
    assert row is not None
    assert number not in json.dumps(dict(row), default=str)


async def test_clear_reads_are_audited_and_only_for_caseworkers(api: Api) -> None:
    child = await api.beneficiary("CHILD", name="李小红")
    path = f"/beneficiaries/{child['id']}/personal-data?purpose=核对助学金发放"
    problem(await api.get(path, "auditor"), 403, "forbidden_role")
    clear = (await api.get(path, "caseworker")).json()
    assert clear["fields"]["name"] == "李小红"
    assert len(clear["fields"]["id_card_no"]) == 18
    log = (await api.get(f"/pii-audit?subject_id={child['id']}", "auditor")).json()
    assert len(log) == 1
    assert log[0]["purpose"] == "核对助学金发放"
    assert log[0]["actor_role"] == "caseworker"
    assert sorted(log[0]["fields"]) == ["id_card_no", "name"]
    problem(
        await api.get(f"/beneficiaries/{child['id']}/personal-data", "caseworker"),
        422,
        "invalid_input",
    )


async def test_registration_refusals_change_nothing(api: Api) -> None:
    number = id_card()
    first = await api.beneficiary("STUDENT", id_card_no=number)
    async with api.emits_nothing():
        again = await api.post(
            "/beneficiaries",
            {
                "kind": "STUDENT",
                "county_code": "430902",
                "name": "张三",
                "id_card_no": number.lower(),
            },
            "caseworker",
        )
        assert (
            problem(again, 409, "duplicate_beneficiary")["existing_beneficiary_id"] == first["id"]
        )
        wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
        bad = await api.post(
            "/beneficiaries",
            {"kind": "STUDENT", "county_code": "430902", "name": "张三", "id_card_no": wrong},
            "caseworker",
        )
        problem(bad, 422, "invalid_id_card")
        assert wrong not in bad.text
        phone = {
            "kind": "CHILD",
            "county_code": "430902",
            "name": "张三",
            "id_card_no": id_card(),
            "guardian_phone": "1234567",
        }
        problem(await api.post("/beneficiaries", phone, "caseworker"), 422, "invalid_phone")
        missing = {"kind": "HOUSEHOLD", "county_code": "430902", "name": "张三"}
        problem(
            await api.post("/beneficiaries", missing, "caseworker"), 422, "personal_data_required"
        )
        elder = {
            "kind": "ELDER",
            "elder_id": "00000000-0000-4000-8000-0000000000e1",
            "name": "张三",
        }
        problem(
            await api.post("/beneficiaries", elder, "caseworker"), 422, "personal_data_not_allowed"
        )
        unknown = {"kind": "ELDER", "elder_id": "00000000-0000-4000-8000-0000000000e1"}
        problem(await api.post("/beneficiaries", unknown, "caseworker"), 422, "unknown_reference")
        unlinked = {"kind": "ELDER", "county_code": "430902"}
        problem(await api.post("/beneficiaries", unlinked, "caseworker"), 422, "invalid_link")
        problem(await api.post("/beneficiaries", unknown, "finance_officer"), 403, "forbidden_role")


async def test_home_teaching_needs_a_disability_category(api: Api) -> None:
    project = await api.project("HOME_TEACHING", "SUPPORT_DISABLED")
    child = await api.beneficiary("CHILD")
    household = await api.beneficiary("HOUSEHOLD")
    body = {"project_id": project["id"]}
    async with api.emits_nothing():
        problem(
            await api.post(f"/beneficiaries/{child['id']}/enrollments", body, "caseworker"),
            422,
            "not_eligible",
        )
        problem(
            await api.post(f"/beneficiaries/{household['id']}/enrollments", body, "caseworker"),
            422,
            "not_eligible",
        )
    eligible = await api.beneficiary("CHILD", disability_category="肢体残疾二级")
    enrolled = await api.enrol(eligible["id"], project["id"])
    assert enrolled["enrolled_project_ids"] == [project["id"]]
    events = await api.events("charity.beneficiaries", eligible["id"])
    assert events[-1]["type"] == "charity.beneficiary.enrolled.v1"
    assert events[-1]["aggregateversion"] == 2
    async with api.emits_nothing():
        twice = await api.post(f"/beneficiaries/{eligible['id']}/enrollments", body, "caseworker")
        problem(twice, 409, "already_enrolled")


async def test_deactivation_ends_enrolments_and_is_announced_once(api: Api) -> None:
    project = await api.project("WEEKEND_MOTHERS", "RESCUE_ORPHANS")
    child = await api.beneficiary("CHILD")
    await api.enrol(child["id"], project["id"])
    path = f"/beneficiaries/{child['id']}/deactivate"
    stopped = await api.ok(path, {"reason_code": "AGED_OUT"}, "caseworker", 200)
    assert stopped["status"] == "INACTIVE"
    assert stopped["enrolled_project_ids"] == []
    async with api.emits_nothing():
        problem(
            await api.post(path, {"reason_code": "AGED_OUT"}, "caseworker"),
            409,
            "beneficiary_inactive",
        )
        problem(
            await api.post(path, {"reason_code": "not a code!"}, "caseworker"), 422, "invalid_input"
        )
    last = (await api.events("charity.beneficiaries", child["id"]))[-1]
    assert last["data"]["reason_code"] == "AGED_OUT"


async def test_erasure_shreds_the_key_and_frees_the_id_card(api: Api) -> None:
    number = id_card()
    child = await api.beneficiary("CHILD", id_card_no=number)
    async with api.emits_nothing():
        problem(
            await api.post(f"/beneficiaries/{child['id']}/erase", {}, "caseworker"),
            403,
            "forbidden_role",
        )
        erased = await api.ok(f"/beneficiaries/{child['id']}/erase", {}, "admin", 200)
    assert erased["erased"] is True
    assert erased["personal"] == {}
    path = f"/beneficiaries/{child['id']}/personal-data?purpose=核查"
    problem(await api.get(path, "caseworker"), 404, "not_found")
    again = await api.beneficiary("CHILD", id_card_no=number)
    assert again["id"] != child["id"]
