"""Authorization matrix of inspection: every route against ``inspection...http.roles.MATRIX``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from inspection.config import Settings
from inspection.entrypoints.app import definition
from inspection.entrypoints.http.roles import MATRIX
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.access.matrix import PLATFORM, MatrixTests, Probe, Roles
from tests.access.world import institution_event, made, person

# 2024-11-30 12:00 in Yiyang.
NOW = datetime(2024, 11, 30, 4, 0, tzinfo=UTC)
READ = MATRIX["read"]
TABLE: dict[str, Roles] = {
    **PLATFORM,
    "POST /_admin/sweeps/{name}": MATRIX["run_sweep"],
    "GET /campaigns": READ,
    "POST /campaigns": MATRIX["launch_campaign"],
    "GET /campaigns/{campaign_id}": READ,
    "POST /campaigns/{campaign_id}/close": MATRIX["close_campaign"],
    "GET /leaders": READ,
    "GET /leaders/cadence-breaches": READ,
    "GET /leaders/{person_id}": READ,
    "PUT /leaders/{person_id}": MATRIX["assign_leader"],
    "DELETE /leaders/{person_id}": MATRIX["remove_leader"],
    "GET /sites": READ,
    "GET /inspections": READ,
    "POST /inspections": MATRIX["schedule_inspection"],
    "GET /inspections/{inspection_id}": READ,
    "POST /inspections/{inspection_id}/complete": MATRIX["complete_inspection"],
    "POST /inspections/{inspection_id}/cancel": MATRIX["cancel_inspection"],
    "POST /inspections/{inspection_id}/hazards": MATRIX["report_hazard"],
    "GET /hazards": READ,
    "POST /hazards": MATRIX["self_report_hazard"],
    "GET /hazards/{hazard_id}": READ,
    "POST /hazards/{hazard_id}/assign": MATRIX["assign_rectification"],
    "POST /hazards/{hazard_id}/extend": MATRIX["extend_deadline"],
    "POST /hazards/{hazard_id}/submit": MATRIX["submit_rectification"],
    "POST /hazards/{hazard_id}/verify": MATRIX["verify_rectification"],
    "GET /drills": READ,
    "POST /drills": MATRIX["plan_drill"],
    "GET /drills/{drill_id}": READ,
    "POST /drills/{drill_id}/record": MATRIX["record_drill"],
    "POST /drills/{drill_id}/cancel": MATRIX["cancel_drill"],
    "GET /safety-talks": READ,
    "POST /safety-talks": MATRIX["record_safety_talk"],
    "GET /safety-talks/{talk_id}": READ,
    "GET /safety-meetings": READ,
    "POST /safety-meetings": MATRIX["record_safety_meeting"],
    "GET /safety-meetings/{meeting_id}": READ,
    "GET /work-notices": READ,
    "POST /work-notices": MATRIX["draft_work_notice"],
    "GET /work-notices/{notice_id}": READ,
    "POST /work-notices/{notice_id}/issue": MATRIX["issue_work_notice"],
    "POST /work-notices/{notice_id}/acks": MATRIX["acknowledge_work_notice"],
    "GET /surveys": READ,
    "POST /surveys": MATRIX["launch_survey"],
    "GET /surveys/{survey_id}": READ,
    "POST /surveys/{survey_id}/complete": MATRIX["complete_survey"],
    "GET /problems": READ,
    "POST /problems": MATRIX["register_problem"],
    "GET /problems/{problem_id}": READ,
    "POST /problems/{problem_id}/resolve": MATRIX["resolve_problem"],
    "POST /problems/{problem_id}/reopen": MATRIX["reopen_problem"],
    "POST /problems/{problem_id}/confirm": MATRIX["confirm_problem"],
}


@pytest.fixture(scope="module")
async def svc(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Harness]:
    """One inspection service for the module, its sweeper off."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=SimulatedClock(NOW),
        sweeper_enabled=False,
    ) as harness:
        yield harness


async def world(svc: Harness) -> dict[str, str]:
    """One thing of each kind the reads can name."""
    site = await institution_event(svc, replica=("site_replica", "id"))
    for key, roles in (("main_leader", ["MAIN_LEADER"]), ("safety_lead", ["SAFETY_LEAD"])):
        body = {"roles": roles, "effective_from": "2030-01-01"}
        await made(svc, f"/leaders/{person(key)}", body, "admin", "PUT")
    campaign = await made(
        svc,
        "/campaigns",
        {
            "code": "C9",
            "name": "访问控制矩阵专项行动",
            "kind": "ROOT_CAUSE",
            "start_on": "2024-01-01",
            "lead_unit": "市民政局",
        },
        "safety_lead",
    )
    inspection = await made(
        svc,
        "/inspections",
        {
            "site_id": site,
            "type": "SPECIAL",
            "campaign_id": campaign["id"],
            "lead_person_id": person("inspector"),
            "planned_on": "2024-11-30",
        },
        "inspector",
    )
    hazard = await made(
        svc,
        "/hazards",
        {
            "site_id": site,
            "category": "消防",
            "level": "GENERAL",
            "description": "疏散通道堆放杂物",
            "photo_ids": ["p1"],
            "found_at": "2024-11-29T10:00:00+08:00",
        },
        "inspector",
    )
    drill = await made(
        svc,
        "/drills",
        {"site_id": site, "drill_type": "FIRE_EVACUATION", "planned_on": "2024-12-05"},
        "institution_staff",
    )
    talk = await made(
        svc,
        "/safety-talks",
        {
            "format": "MINZHENG_LECTURE",
            "topic": "冬季消防安全",
            "speaker_person_id": person("safety_lead"),
            "held_at": "2024-11-20T09:00:00+08:00",
            "audience_count": 10,
        },
        "inspector",
    )
    meeting = await made(
        svc,
        "/safety-meetings",
        {"kind": "PARTY_GROUP", "held_at": "2024-11-20T15:00:00+08:00"},
        "main_leader",
    )
    notice = await made(
        svc,
        "/work-notices",
        {"title": "冬季防火工作提示", "target_site_ids": [site], "ack_due_on": "2024-12-10"},
        "safety_lead",
    )
    survey = await made(
        svc,
        "/surveys",
        {
            "title": "农村养老服务调研",
            "theme": "农村养老",
            "scale": "ORDINARY",
            "launched_at": "2024-11-20T09:00:00+08:00",
        },
        "inspector",
    )
    problem = await made(
        svc,
        "/problems",
        {
            "source": "HOTLINE_12345",
            "county_code": "430903",
            "category": "养老服务",
            "summary": "助餐点午餐供应不足",
            "owner_unit": "养老服务科",
        },
        "inspector",
    )
    return {
        "campaign_id": campaign["id"],
        "person_id": person("main_leader"),
        "inspection_id": inspection["id"],
        "hazard_id": hazard["id"],
        "drill_id": drill["id"],
        "talk_id": talk["id"],
        "meeting_id": meeting["id"],
        "notice_id": notice["id"],
        "survey_id": survey["id"],
        "problem_id": problem["id"],
    }


@pytest.fixture(scope="module")
async def probe(svc: Harness) -> Probe:
    """The service's routes, with a world to read."""
    return Probe(svc, TABLE, world=await world(svc), fixed={"name": "no-such-sweep"})


class TestInspectionMatrix(MatrixTests):
    """Every inspection route, every role."""
