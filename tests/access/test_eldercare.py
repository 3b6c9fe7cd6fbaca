"""Authorization matrix of eldercare: every route against ``eldercare...http.roles.MATRIX``."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from eldercare.config import Settings
from eldercare.entrypoints.app import definition
from eldercare.entrypoints.http.roles import MATRIX
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.access.matrix import PLATFORM, ROLES, MatrixTests, Probe, Roles, is_problem
from tests.access.world import id_card, made, made_by_each, mobile, person

# 2024-06-03 (a Monday) 12:00 in Yiyang: inside the default lunch slot.
NOW = datetime(2024, 6, 3, 4, 0, tzinfo=UTC)
M = MATRIX
TABLE: dict[str, Roles] = {
    **PLATFORM,
    "POST /_admin/vault/rotate": M["admin"],
    "GET /audit/personal-data": M["audit"],
    "GET /institutions": M["read"],
    "POST /institutions": M["register_institution"],
    "GET /institutions/{institution_id}": M["read"],
    "POST /institutions/{institution_id}/{verb}": M["register_institution"],
    "PATCH /institutions/{institution_id}/capacity": M["manage_site"],
    "GET /elders": M["read"],
    "POST /elders": M["caseworker"],
    "GET /elders/{elder_id}": M["read"],
    "GET /elders/{elder_id}/personal-data": M["elder_pii"],
    "PATCH /elders/{elder_id}/contact": M["caseworker"],
    "POST /elders/{elder_id}/assessments": M["care"],
    "POST /elders/{elder_id}/admit": M["care"],
    "POST /elders/{elder_id}/discharge": M["care"],
    "POST /elders/{elder_id}/record-death": M["caseworker"],
    "POST /elders/{elder_id}/move-out": M["caseworker"],
    "POST /elders/{elder_id}/erase": M["erase"],
    "GET /home-modifications": M["read"],
    "POST /home-modifications": M["caseworker"],
    "GET /home-modifications/{modification_id}": M["read"],
    "POST /home-modifications/{modification_id}/assess": M["caseworker"],
    "POST /home-modifications/{modification_id}/approve": M["caseworker"],
    "POST /home-modifications/{modification_id}/complete": M["caseworker"],
    "POST /home-modifications/{modification_id}/accept": M["caseworker"],
    "GET /meal-points": M["read"],
    "POST /meal-points": M["meal_points"],
    "GET /meal-points/{meal_point_id}": M["read"],
    "POST /meal-points/{meal_point_id}/{verb}": M["meal_points"],
    "GET /meal-points/{meal_point_id}/meals": M["read"],
    "POST /meal-points/{meal_point_id}/meals": M["meals"],
    "GET /wristbands": M["wristband_read"],
    "POST /wristbands": M["caseworker"],
    "GET /wristbands/{wristband_id}": M["wristband_read"],
    "POST /wristbands/{wristband_id}/deactivate": M["caseworker"],
    "POST /missing-cases": M["missing_cases"],
    "GET /missing-cases/{case_id}": M["missing_cases"],
    "POST /missing-cases/{case_id}/found": M["missing_cases"],
    "POST /volunteer-corps": M["volunteers"],
    "GET /volunteer-corps/{corps_id}": M["read"],
    "POST /volunteer-corps/{corps_id}/branches": M["volunteers"],
    "POST /volunteer-corps/{corps_id}/branches/{branch_id}/dissolve": M["volunteers"],
    "GET /volunteers": M["read"],
    "POST /volunteers": M["volunteers"],
    "GET /volunteers/{volunteer_id}": M["read"],
    "GET /volunteers/{volunteer_id}/personal-data": M["volunteer_pii"],
    "POST /volunteers/{volunteer_id}/leave": M["volunteers"],
    "GET /volunteer-services": M["read"],
    "POST /volunteer-services": M["volunteers"],
}
PURPOSE = {"purpose": "访问控制矩阵核验"}


@pytest.fixture(scope="module")
async def svc(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Harness]:
    """One eldercare service for the module, with its vault keys."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=SimulatedClock(NOW),
        vault_key=base64.b64encode(secrets.token_bytes(32)).decode(),
        pii_pepper=secrets.token_urlsafe(32),
    ) as harness:
        yield harness


def elder_body() -> dict[str, object]:
    """A new elder with a special-difficulty basis (so a home modification may be applied for)."""
    return {
        "name": "欧阳鹤龄",
        "id_card_no": id_card(),
        "phone": mobile(),
        "address": "湖南省益阳市赫山区康富路12号3栋",
        "county_code": "430903",
        "township_code": "430903001",
        "care_pillars": ["HOME"],
        "special_basis": ["DIBAO"],
    }


async def world(svc: Harness) -> dict[str, str]:
    """One thing of each kind the reads can name, created once by every role allowed to."""
    institution = await made_by_each(
        svc,
        TABLE["POST /institutions"],
        "/institutions",
        lambda: {
            "filing_no": f"BA-{uuid.uuid4().hex[:10]}",
            "name": "资阳区中心敬老院",
            "kind": "ELDERCARE_SAFETY_NET",
            "county_code": "430902",
            "township_code": "430902001",
            "beds": 20,
            "head_person_id": str(uuid.uuid4()),
        },
    )
    elder = await made_by_each(svc, TABLE["POST /elders"], "/elders", elder_body)
    modification = await made_by_each(
        svc,
        TABLE["POST /home-modifications"],
        "/home-modifications",
        lambda: {"household_id": str(uuid.uuid4()), "elder_id": elder["id"]},
    )
    point = await made_by_each(
        svc,
        TABLE["POST /meal-points"],
        "/meal-points",
        lambda: {
            "name": "赫山区益老食堂",
            "type": "MEAL_POINT",
            "county_code": "430903",
            "township_code": "430903001",
            "capacity_per_slot": 50,
            "established_at": "2024-05-01T00:00:00Z",
        },
    )
    band = await made_by_each(
        svc,
        TABLE["POST /wristbands"],
        "/wristbands",
        lambda: {
            "code": f"HSH-{uuid.uuid4().hex[:10]}",
            "elder_id": elder["id"],
            "brand_project_id": str(uuid.uuid4()),
        },
    )
    # One open case per elder: each reporting role gets an elder of its own.
    missing = [elder["id"]]
    for _ in range(len(M["missing_cases"]) - 1):
        missing.append((await made(svc, "/elders", elder_body(), "caseworker"))["id"])
    case = await made_by_each(
        svc,
        TABLE["POST /missing-cases"],
        "/missing-cases",
        lambda: {"elder_id": missing.pop(0), "last_seen_place": "汽车站"},
    )
    corps = await made_by_each(
        svc, TABLE["POST /volunteer-corps"], "/volunteer-corps", lambda: {"name": "银龄行动总队"}
    )
    branch = await made_by_each(
        svc,
        TABLE["POST /volunteer-corps/{corps_id}/branches"],
        f"/volunteer-corps/{corps['id']}/branches",
        lambda: {"name": f"分队-{uuid.uuid4().hex[:6]}", "county_code": "430902"},
    )
    volunteer = await made_by_each(
        svc,
        TABLE["POST /volunteers"],
        "/volunteers",
        lambda: {
            "branch_id": branch["id"],
            "name": "司马松柏",
            "phone": mobile(),
            "birth_date": "1958-04-02",
        },
    )
    return {
        "institution_id": institution["id"],
        "elder_id": elder["id"],
        "modification_id": modification["id"],
        "meal_point_id": point["id"],
        "wristband_id": band["id"],
        "case_id": case["id"],
        "corps_id": corps["id"],
        "branch_id": branch["id"],
        "volunteer_id": volunteer["id"],
    }


@pytest.fixture(scope="module")
async def probe(svc: Harness) -> Probe:
    """The service's routes, with a world to read."""
    return Probe(
        svc,
        TABLE,
        world=await world(svc),
        fixed={"verb": "no-such-verb"},
        query={
            "GET /elders/{elder_id}/personal-data": PURPOSE,
            "GET /volunteers/{volunteer_id}/personal-data": PURPOSE,
        },
    )


class TestEldercareMatrix(MatrixTests):
    """Every eldercare route, every role."""


async def audit_rows(svc: Harness, subject: str) -> list[tuple[str, str, str, str]]:
    """The personal-data ledger of a subject: actor, role, action, purpose."""
    rows = await svc.pool.fetch(
        "SELECT actor_person_id, actor_role, action, purpose FROM pii_access_log "
        "WHERE subject_id = $1 ORDER BY id",
        uuid.UUID(subject),
    )
    return [(str(r[0]), r[1], r[2], r[3]) for r in rows]


@pytest.mark.parametrize(
    ("kind", "allowed"), [("elders", M["elder_pii"]), ("volunteers", M["volunteer_pii"])]
)
async def test_clear_reads_only_for_the_scoped_role_each_audited_with_actor_and_purpose(
    svc: Harness, probe: Probe, kind: str, allowed: tuple[str, ...]
) -> None:
    if kind == "elders":
        body = elder_body()
        subject = (await made(svc, "/elders", body, "caseworker"))["id"]
        clear = [str(body["id_card_no"]), str(body["phone"])]
    else:
        phone = mobile()
        enrol = {"branch_id": probe.world["branch_id"], "name": "皇甫兰芝", "phone": phone}
        enrol["birth_date"] = "1957-09-09"
        subject = (await made(svc, "/volunteers", enrol, "volunteer_coordinator"))["id"]
        clear = ["皇甫兰芝", phone]
    path = f"/{kind}/{subject}/personal-data"
    # Decision (as in every service): a refused read is not audited; the 403 is decided from
    # the token before the subject is looked up, so nothing about the person was disclosed.
    for role in sorted(set(ROLES) - set(allowed)):
        denied = await svc.client.get(path, params=PURPOSE, headers=svc.auth(role))
        assert is_problem(denied, 403, "forbidden_role") is None, role
        assert not [v for v in clear if v in denied.text]
    leaky = await svc.client.get(
        path, params={"purpose": f"回电 {mobile()}"}, headers=svc.auth(allowed[0])
    )
    assert is_problem(leaky, 422, "pii_in_free_text") is None
    assert await audit_rows(svc, subject) == []
    for role in allowed:
        read = await svc.client.get(path, params=PURPOSE, headers=svc.auth(role))
        assert read.status_code == 200, read.text
        assert all(v in read.text for v in clear)
    assert await audit_rows(svc, subject) == [
        (person(role), role, "READ", PURPOSE["purpose"]) for role in allowed
    ]
