"""Authorization matrix of inspection: every route against ``inspection...http.roles.MATRIX``."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from inspection.config import Settings
from inspection.entrypoints.app import definition
from inspection.entrypoints.http.roles import MATRIX
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.access.matrix import PLATFORM, MatrixTests, Probe, Roles, is_problem
from tests.access.world import institution_event, made, made_by_each, person

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


def each(route: str) -> tuple[str, ...]:
    """The roles a creating command's row allows: each of them creates one below."""
    roles = TABLE[route]
    assert roles is not None
    return roles


async def world(svc: Harness) -> dict[str, str]:
    """One thing of each kind the reads can name, created once by every role allowed to."""
    site = await institution_event(svc, replica=("site_replica", "id"))
    leaders = zip(
        each("PUT /leaders/{person_id}"),
        (("main_leader", ["MAIN_LEADER"]), ("safety_lead", ["SAFETY_LEAD"])),
        strict=True,
    )
    for role, (key, kinds) in leaders:
        body = {"roles": kinds, "effective_from": "2030-01-01"}
        await made(svc, f"/leaders/{person(key)}", body, role, "PUT")
    campaign = await made_by_each(
        svc,
        each("POST /campaigns"),
        "/campaigns",
        lambda: {
            "code": "C9",
            "name": f"访问控制矩阵专项行动-{uuid.uuid4().hex[:6]}",
            "kind": "ROOT_CAUSE",
            "start_on": "2024-01-01",
            "lead_unit": "市民政局",
        },
    )
    inspection = await made_by_each(
        svc,
        each("POST /inspections"),
        "/inspections",
        lambda: {
            "site_id": site,
            "type": "SPECIAL",
            "campaign_id": campaign["id"],
            "lead_person_id": person("inspector"),
            "planned_on": "2024-11-30",
        },
    )
    hazard = await made_by_each(
        svc,
        each("POST /hazards"),
        "/hazards",
        lambda: {
            "site_id": site,
            "category": "消防",
            "level": "GENERAL",
            "description": "疏散通道堆放杂物",
            "photo_ids": ["p1"],
            "found_at": "2024-11-29T10:00:00+08:00",
        },
    )
    drill = await made_by_each(
        svc,
        each("POST /drills"),
        "/drills",
        lambda: {"site_id": site, "drill_type": "FIRE_EVACUATION", "planned_on": "2024-12-05"},
    )
    talk = await made_by_each(
        svc,
        each("POST /safety-talks"),
        "/safety-talks",
        lambda: {
            "format": "MINZHENG_LECTURE",
            "topic": "冬季消防安全",
            "speaker_person_id": person("safety_lead"),
            "held_at": "2024-11-20T09:00:00+08:00",
            "audience_count": 10,
        },
    )
    meeting = await made_by_each(
        svc,
        each("POST /safety-meetings"),
        "/safety-meetings",
        lambda: {"kind": "PARTY_GROUP", "held_at": "2024-11-20T15:00:00+08:00"},
    )
    notice = await made_by_each(
        svc,
        each("POST /work-notices"),
        "/work-notices",
        lambda: {
            "title": "冬季防火工作提示",
            "target_site_ids": [site],
            "ack_due_on": "2024-12-10",
        },
    )
    survey = await made_by_each(
        svc,
        each("POST /surveys"),
        "/surveys",
        lambda: {
            "title": "农村养老服务调研",
            "theme": "农村养老",
            "scale": "ORDINARY",
            "launched_at": "2024-11-20T09:00:00+08:00",
        },
    )
    problem = await made_by_each(
        svc,
        each("POST /problems"),
        "/problems",
        lambda: {
            "source": "HOTLINE_12345",
            "county_code": "430903",
            "category": "养老服务",
            "summary": "助餐点午餐供应不足",
            "owner_unit": "养老服务科",
        },
    )
    return {
        "site_id": site,
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


async def unchanged(svc: Harness, hazard_id: str) -> tuple[object, ...]:
    """What a refused command must leave alone: the hazard's row and the outbox."""
    row = await svc.pool.fetchrow("SELECT * FROM hazards WHERE id = $1", uuid.UUID(hazard_id))
    assert row is not None
    return (
        tuple(row),
        await svc.pool.fetchval("SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)"),
    )


async def refused(
    svc: Harness, hazard_id: str, step: str, body: dict[str, Any], key: str, status: int, code: str
) -> None:
    """A hazard command refused with this problem, changing nothing and emitting nothing."""
    before = await unchanged(svc, hazard_id)
    response = await svc.client.post(
        f"/hazards/{hazard_id}/{step}", json=body, headers=svc.auth(key)
    )
    assert is_problem(response, status, code) is None, (step, key, response.text)
    assert await unchanged(svc, hazard_id) == before


async def found_hazard(svc: Harness, site: str) -> str:
    """A general hazard an inspector found yesterday; its id."""
    body = {
        "site_id": site,
        "category": "消防",
        "level": "GENERAL",
        "description": "灭火器过期",
        "found_at": "2024-11-29T10:00:00+08:00",
    }
    return str((await made(svc, "/hazards", body, "inspector"))["id"])


def plan(responsible: str, **extra: str) -> dict[str, str]:
    """A 五定 plan for a general hazard."""
    return {
        "responsible_person_id": responsible,
        "measures": "更换灭火器",
        "deadline_on": "2024-12-20",
        **extra,
    }


async def test_the_person_responsible_for_a_rectification_never_verifies_it(
    svc: Harness, probe: Probe
) -> None:
    # Beyond the service's tests (verify with verifier_id = responsible; a stranger; the wrong
    # role): the plan's verifier, named or by default the finder, is never the responsible
    # person, and the responsible person's own token cannot record a verification either.
    site = probe.world["site_id"]
    hazard = await found_hazard(svc, site)
    named = plan(person("inspector_2"), verifier_id=person("inspector_2"))
    await refused(svc, hazard, "assign", named, "safety_lead", 422, "segregation_of_duties")
    # The finder is made responsible and no verifier is named: the default verifier would be
    # the responsible person.
    finder = plan(person("inspector"))
    await refused(svc, hazard, "assign", finder, "safety_lead", 422, "segregation_of_duties")
    await made(svc, f"/hazards/{hazard}/assign", plan(person("inspector_2")), "safety_lead")
    await made(svc, f"/hazards/{hazard}/submit", {"evidence_ids": ["e1"]}, "institution_staff")
    by_leader = {"result": "PASS", "verifier_id": person("main_leader")}
    await refused(svc, hazard, "verify", by_leader, "inspector_2", 422, "segregation_of_duties")
    vouched = {"result": "PASS", "verifier_id": person("inspector")}
    await refused(svc, hazard, "verify", vouched, "main_leader", 403, "verifier_not_authorized")
    done = await made(svc, f"/hazards/{hazard}/verify", vouched, "inspector")
    assert (done["status"], done["verifier_id"]) == ("VERIFIED", person("inspector"))


async def test_a_second_extension_needs_the_safety_lead_not_merely_a_leader(
    svc: Harness, probe: Probe
) -> None:
    hazard = await found_hazard(svc, probe.world["site_id"])
    await made(svc, f"/hazards/{hazard}/assign", plan(str(uuid.uuid4())), "inspector")
    first = {"new_deadline_on": "2024-12-22", "reason": "材料未到"}
    await made(svc, f"/hazards/{hazard}/extend", first, "inspector")
    second = {"new_deadline_on": "2024-12-24", "reason": "再延"}
    # The main leader outranks the safety lead, but the rule names the safety lead's duty.
    await refused(svc, hazard, "extend", second, "main_leader", 403, "needs_safety_lead")
    done = await made(svc, f"/hazards/{hazard}/extend", second, "safety_lead")
    assert done["extension_count"] == 2
