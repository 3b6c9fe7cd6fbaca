"""Hazards: the whole rectification lifecycle and every reject of DOMAIN §4.4 / §11.6."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from shared.clock import SimulatedClock
from shared.testing import Harness
from tests.integration.support import (
    RESPONSIBLE,
    at,
    campaign,
    data,
    hazard,
    inspection,
    person,
    plan,
    post,
    published,
    rejected,
    site,
)

TOPIC = "inspection.hazards"
TABLES = ("hazards",)


@pytest.fixture(autouse=True)
def late_november(clock: SimulatedClock) -> None:
    at(clock, date(2024, 11, 30))


def command(svc: Harness, path: str, body: dict[str, Any], role: str = "inspector"):
    return lambda: svc.client.post(path, json=body, headers=svc.auth(role))


async def test_a_hazard_goes_from_report_to_verification_with_one_rework(
    svc: Harness, group: dict[str, str], clock: SimulatedClock
):
    at(clock, date(2024, 11, 6), hour=12)
    site_id = await site(svc)
    found = await inspection(
        svc, site_id=site_id, campaign_id=await campaign(svc), planned_on="2024-11-06"
    )
    reported = await post(
        svc,
        f"/inspections/{found['id']}/hazards",
        {"category": "FIRE", "level": "GENERAL", "description": "灭火器过期", "photo_ids": ["p1"]},
    )
    hazard_id = reported["id"]
    assert (reported["status"], reported["hazard_no"][:8]) == ("REPORTED", "YH-2024-")
    done = await post(
        svc, f"/inspections/{found['id']}/complete", {"completed_at": "2024-11-06T11:00:00+08:00"}
    )
    assert done["hazards_found"] == 1
    await post(svc, f"/hazards/{hazard_id}/assign", plan("2024-11-20"))
    at(clock, date(2024, 11, 12))
    await post(
        svc,
        f"/hazards/{hazard_id}/submit",
        {"evidence_ids": ["e1"], "note": "已更换"},
        "institution_staff",
    )
    rejected_ = await post(
        svc, f"/hazards/{hazard_id}/verify", {"result": "FAIL", "verifier_id": person("inspector")}
    )
    assert (rejected_["status"], rejected_["rework_count"]) == ("IN_RECTIFICATION", 1)
    await post(
        svc, f"/hazards/{hazard_id}/submit", {"evidence_ids": ["e2", "e3"]}, "institution_staff"
    )
    verified = await post(
        svc,
        f"/hazards/{hazard_id}/verify",
        {"result": "PASS", "verifier_id": group["S1"]},
        "safety_lead",
    )
    assert (verified["status"], verified["aggregate_version"]) == ("VERIFIED", 6)
    events = await published(svc, TOPIC, subject=hazard_id)
    assert [e["type"].split(".")[2] for e in events] == [
        "reported",
        "rectification_assigned",
        "rectification_submitted",
        "rectification_rejected",
        "rectification_submitted",
        "rectification_verified",
    ]
    assert [e["aggregateversion"] for e in events] == [1, 2, 3, 4, 5, 6]
    [report] = data(events, "hazard.reported")
    assert report["inspection_id"] == found["id"]
    assert report["campaign_id"] == found["campaign_id"]
    assert report["photo_count"] == 1
    assert "description" not in report
    [assigned] = data(events, "hazard.rectification_assigned")
    assert assigned == {
        "hazard_id": hazard_id,
        "site_id": site_id,
        "level": "GENERAL",
        "responsible_person_id": RESPONSIBLE,
        "deadline_on": "2024-11-20",
        "funds_minor": 0,
        "funds_source": None,
        "has_contingency_plan": False,
        "has_interim_measures": False,
    }
    # The verifier to notify on submission is, by default, who found the hazard.
    assert data(events, "hazard.rectification_submitted")[0]["verifier_id"] == person("inspector")
    assert data(events, "hazard.rectification_rejected")[0]["rework_count"] == 1
    assert data(events, "hazard.rectification_verified")[0]["verifier_id"] == group["S1"]
    # VERIFIED is final.
    for path, body in (
        ("submit", {"evidence_ids": ["x"]}),
        ("assign", plan("2024-11-25")),
        ("extend", {"new_deadline_on": "2024-11-25", "reason": "再延"}),
        ("verify", {"result": "FAIL", "verifier_id": person("inspector")}),
    ):
        await rejected(
            svc,
            command(svc, f"/hazards/{hazard_id}/{path}", body),
            409,
            "invalid_state",
            tables=TABLES,
        )


async def test_a_deadline_today_or_in_the_past_is_refused(svc: Harness, group: dict[str, str]):
    h = await hazard(svc, found="2024-11-25")
    for deadline in ("2024-11-30", "2024-11-29"):
        await rejected(
            svc,
            command(svc, f"/hazards/{h['id']}/assign", plan(deadline)),
            422,
            "deadline_in_past",
            tables=TABLES,
        )


async def test_a_deadline_beyond_the_window_of_the_level_is_refused(
    svc: Harness, group: dict[str, str]
):
    general = await hazard(svc, found="2024-11-20")
    await rejected(
        svc,
        command(svc, f"/hazards/{general['id']}/assign", plan("2025-01-04")),  # found + 45 d
        422,
        "deadline_too_far",
        tables=TABLES,
    )
    major = await hazard(svc, level="MAJOR", found="2024-11-20")
    await rejected(
        svc,
        command(svc, f"/hazards/{major['id']}/assign", plan("2025-02-19", "MAJOR")),  # + 91 d
        422,
        "deadline_too_far",
        tables=TABLES,
    )
    ok = await post(svc, f"/hazards/{major['id']}/assign", plan("2025-02-18", "MAJOR"))
    assert (ok["status"], ok["funds_minor"]) == ("IN_RECTIFICATION", 1_200_000)
    [assigned] = data(
        await published(svc, TOPIC, subject=major["id"]), "hazard.rectification_assigned"
    )
    assert (assigned["has_contingency_plan"], assigned["has_interim_measures"]) == (True, True)


async def test_a_major_hazard_needs_the_whole_wuding_plan(svc: Harness, group: dict[str, str]):
    major = await hazard(svc, level="MAJOR", found="2024-11-20")
    body = plan("2024-12-20", "MAJOR")
    del body["contingency_plan"]
    problem = await rejected(
        svc,
        command(svc, f"/hazards/{major['id']}/assign", body),
        422,
        "wuding_incomplete",
        tables=TABLES,
    )
    assert problem["missing"] == ["contingency_plan"]
    bare = await rejected(
        svc,
        command(svc, f"/hazards/{major['id']}/assign", {"deadline_on": "2024-12-20"}),
        422,
        "wuding_incomplete",
    )
    assert bare["missing"] == [
        "responsible_person_id",
        "measures",
        "standard",
        "funds_minor",
        "funds_source",
        "contingency_plan",
        "interim_measures",
    ]
    general = await hazard(svc, found="2024-11-20")
    problem = await rejected(
        svc,
        command(svc, f"/hazards/{general['id']}/assign", {"measures": "整改"}),
        422,
        "wuding_incomplete",
    )
    assert problem["missing"] == ["responsible_person_id", "deadline_on"]


async def test_funds_must_be_a_whole_non_negative_number_of_fen(
    svc: Harness, group: dict[str, str]
):
    h = await hazard(svc, found="2024-11-20")
    for amount in (100.5, "100", -100, True):
        await rejected(
            svc,
            command(svc, f"/hazards/{h['id']}/assign", plan("2024-12-10", funds_minor=amount)),
            422,
            "invalid_amount",
            tables=TABLES,
        )


async def test_verification_keeps_duties_apart_and_needs_a_submission(
    svc: Harness, group: dict[str, str]
):
    h = await hazard(svc, found="2024-11-20")
    await post(svc, f"/hazards/{h['id']}/assign", plan("2024-12-10"))
    verify = f"/hazards/{h['id']}/verify"
    await rejected(
        svc,
        command(svc, verify, {"result": "PASS", "verifier_id": person("inspector")}),
        409,
        "invalid_state",
        tables=TABLES,
    )
    await rejected(
        svc,
        command(svc, f"/hazards/{h['id']}/submit", {"evidence_ids": []}),
        422,
        "evidence_required",
        tables=TABLES,
    )
    await post(svc, f"/hazards/{h['id']}/submit", {"evidence_ids": ["e1"]})
    await rejected(
        svc,
        command(svc, verify, {"result": "PASS", "verifier_id": RESPONSIBLE}),
        422,
        "segregation_of_duties",
        tables=TABLES,
    )
    stranger = str(uuid.uuid4())
    await rejected(
        svc,
        command(svc, verify, {"result": "PASS", "verifier_id": stranger}),
        403,
        "verifier_not_authorized",
        tables=TABLES,
    )
    await rejected(
        svc,
        command(
            svc, verify, {"result": "PASS", "verifier_id": person("inspector")}, "institution_staff"
        ),
        403,
        "forbidden_role",
    )


async def test_a_late_or_second_extension_needs_the_safety_lead(
    svc: Harness, group: dict[str, str], clock: SimulatedClock
):
    at(clock, date(2024, 11, 10))
    early = await hazard(svc, found="2024-11-06")
    await post(svc, f"/hazards/{early['id']}/assign", plan("2024-11-26"))
    extend = f"/hazards/{early['id']}/extend"
    await rejected(
        svc,
        command(svc, extend, {"new_deadline_on": "2024-11-26", "reason": "材料未到"}),
        422,
        "deadline_not_later",
        tables=TABLES,
    )
    await rejected(
        svc,
        command(svc, extend, {"new_deadline_on": "2024-12-07", "reason": "材料未到"}),
        422,
        "deadline_too_far",
        tables=TABLES,
    )
    first = await post(svc, extend, {"new_deadline_on": "2024-11-28", "reason": "材料未到"})
    assert first["extension_count"] == 1
    await rejected(
        svc,
        command(svc, extend, {"new_deadline_on": "2024-11-29", "reason": "再延"}),
        403,
        "needs_safety_lead",
        tables=TABLES,
    )
    second = await post(
        svc, extend, {"new_deadline_on": "2024-11-29", "reason": "再延"}, "safety_lead"
    )
    assert second["extension_count"] == 2
    [*_, last] = data(await published(svc, TOPIC, subject=early["id"]), "hazard.deadline_extended")
    assert last == {
        "hazard_id": early["id"],
        "site_id": early["site_id"],
        "old_deadline_on": "2024-11-28",
        "new_deadline_on": "2024-11-29",
        "extension_count": 2,
        "approved_by": group["S1"],
    }
    # Overdue (§11.6 #8): on 11-30 the deadline 11-26 has passed.
    overdue = await hazard(svc, found="2024-11-06")
    await post(svc, f"/hazards/{overdue['id']}/assign", plan("2024-11-26"))
    at(clock, date(2024, 11, 30))
    late = {"new_deadline_on": "2024-12-05", "reason": "汛期施工受阻"}
    await rejected(
        svc,
        command(svc, f"/hazards/{overdue['id']}/extend", late),
        403,
        "needs_safety_lead",
        tables=TABLES,
    )
    assert (await post(svc, f"/hazards/{overdue['id']}/extend", late, "safety_lead"))[
        "overdue"
    ] is False


async def test_reports_need_a_basis_for_major_and_no_personal_data(
    svc: Harness, group: dict[str, str]
):
    site_id = await site(svc)
    body = {"site_id": site_id, "category": "燃气", "level": "MAJOR", "description": "燃气管道锈蚀"}
    await rejected(svc, command(svc, "/hazards", body), 422, "major_basis_required", tables=TABLES)
    await rejected(
        svc,
        command(
            svc,
            "/hazards",
            body | {"category": "天气", "major_basis": "OTHER"},
            "institution_staff",
        ),
        422,
        "invalid_category",
        tables=TABLES,
    )
    for text in ("请联系13912345678处理", "涉及老人430902194501011234"):
        problem = await rejected(
            svc,
            command(
                svc, "/hazards", body | {"major_basis": "重要设施设备严重缺陷", "description": text}
            ),
            422,
            "pii_in_free_text",
            tables=TABLES,
        )
        assert problem["detail"] == "请勿在描述中填写身份证号或手机号"
    made = await post(
        svc, "/hazards", body | {"major_basis": "重要设施设备严重缺陷"}, "institution_staff"
    )
    assert (made["category"], made["major_basis"]) == ("GAS", "FACILITY_DEFECT")


async def test_reports_need_an_active_site_and_an_open_inspection(
    svc: Harness, group: dict[str, str], clock: SimulatedClock
):
    closed = await site(svc, status="SUSPENDED")
    body = {"site_id": closed, "category": "OTHER", "level": "GENERAL", "description": "台账缺失"}
    await rejected(svc, command(svc, "/hazards", body), 409, "site_inactive", tables=TABLES)
    await rejected(
        svc,
        command(svc, "/hazards", body | {"site_id": str(uuid.uuid4())}),
        422,
        "unknown_reference",
        tables=TABLES,
    )
    at(clock, date(2024, 11, 20), hour=9)
    found = await inspection(
        svc, site_id=await site(svc), campaign_id=await campaign(svc), planned_on="2024-11-20"
    )
    await post(
        svc, f"/inspections/{found['id']}/complete", {"completed_at": "2024-11-20T09:00:00+08:00"}
    )
    finding = {"category": "用电", "level": "GENERAL", "description": "私拉电线"}
    at(clock, date(2024, 11, 21), hour=8)  # 23 h after completion: still open for reports
    await post(svc, f"/inspections/{found['id']}/hazards", finding)
    at(clock, date(2024, 11, 21), hour=10)  # 25 h after
    await rejected(
        svc,
        command(svc, f"/inspections/{found['id']}/hazards", finding),
        409,
        "inspection_closed",
        tables=(*TABLES, "inspections"),
    )
    cancelled = await inspection(
        svc, site_id=await site(svc), campaign_id=await campaign(svc), planned_on="2024-11-22"
    )
    await post(svc, f"/inspections/{cancelled['id']}/cancel", {"reason_code": "RAIN"})
    await rejected(
        svc,
        command(svc, f"/inspections/{cancelled['id']}/hazards", finding),
        409,
        "inspection_closed",
    )
    listed = await svc.client.get(
        f"/hazards?site_id={found['site_id']}", headers=svc.auth("auditor")
    )
    assert len(listed.json()) == 1


async def test_a_replayed_transition_returns_the_first_answer_and_emits_once(
    svc: Harness, group: dict[str, str]
):
    h = await hazard(svc, found="2024-11-25")
    headers = svc.auth("inspector") | {"Idempotency-Key": f"script-line-{uuid.uuid4()}"}
    path = f"/hazards/{h['id']}/assign"
    first = await svc.client.post(path, json=plan("2024-12-10"), headers=headers)
    again = await svc.client.post(path, json=plan("2024-12-10"), headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert (
        len(data(await published(svc, TOPIC, subject=h["id"]), "hazard.rectification_assigned"))
        == 1
    )
    await rejected(
        svc,
        lambda: svc.client.post(path, json=plan("2024-12-11"), headers=headers),
        422,
        "idempotency_key_reused",
        tables=TABLES,
    )


async def test_an_extension_needs_a_future_date_and_a_reason(svc: Harness, group: dict[str, str]):
    h = await hazard(svc, found="2024-11-25")
    await post(svc, f"/hazards/{h['id']}/assign", plan("2024-12-05"))
    extend = f"/hazards/{h['id']}/extend"
    for body, code in (
        ({"new_deadline_on": "2024-11-30", "reason": "延期"}, "deadline_in_past"),
        ({"new_deadline_on": "2024-12-08"}, "invalid_input"),
        ({"new_deadline_on": "2024-12-08", "reason": ""}, "invalid_input"),
    ):
        await rejected(svc, command(svc, extend, body), 422, code, tables=TABLES)
    reported = await hazard(svc, found="2024-11-25")
    late = {"new_deadline_on": "2024-12-08", "reason": "延期"}
    await rejected(
        svc,
        command(svc, f"/hazards/{reported['id']}/extend", late),
        409,
        "invalid_state",
        tables=TABLES,
    )
    await rejected(
        svc,
        command(svc, f"/hazards/{reported['id']}/submit", {"evidence_ids": ["e"]}),
        409,
        "invalid_state",
        tables=TABLES,
    )
