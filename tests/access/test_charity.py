"""Authorization matrix of charity: every route against ``charity.domain.roles``."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from charity.config import Settings
from charity.domain import roles as r
from charity.entrypoints.app import definition
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from tests.access.matrix import PLATFORM, ROLES, MatrixTests, Probe, Roles, is_problem
from tests.access.world import id_card, made, made_by_each, person

# 2024-11-30 (a Saturday) 12:00 in Yiyang.
NOW = datetime(2024, 11, 30, 4, 0, tzinfo=UTC)
TABLE: dict[str, Roles] = {
    **PLATFORM,
    "GET /funds": r.READ,
    "POST /funds": r.OPEN_FUND,
    "GET /funds/{fund_id}": r.READ,
    "POST /funds/{fund_id}/credits": r.CREDIT_FUND,
    "GET /funds/{fund_id}/ledger": r.READ,
    "GET /ledger/check": r.CHECK_LEDGER,
    "GET /projects": r.READ,
    "POST /projects": r.REGISTER_PROJECT,
    "GET /projects/{project_id}": r.READ,
    "POST /donations": r.RECORD_DONATION,
    "GET /donations/{donation_id}": r.READ,
    "POST /beneficiaries": r.MANAGE_BENEFICIARIES,
    "GET /beneficiaries/{beneficiary_id}": r.READ,
    "POST /beneficiaries/{beneficiary_id}/enrollments": r.MANAGE_BENEFICIARIES,
    "POST /beneficiaries/{beneficiary_id}/deactivate": r.MANAGE_BENEFICIARIES,
    "GET /beneficiaries/{beneficiary_id}/personal-data": r.READ_PERSONAL_DATA,
    "POST /beneficiaries/{beneficiary_id}/erase": r.ERASE_PERSONAL_DATA,
    "GET /pii-audit": r.READ_PII_AUDIT,
    "GET /allocations": r.READ,
    "POST /allocations": r.REQUEST_ALLOCATION,
    "GET /allocations/{allocation_id}": r.READ,
    "POST /allocations/{allocation_id}/submit": r.REQUEST_ALLOCATION,
    "POST /allocations/{allocation_id}/cancel": r.REQUEST_ALLOCATION,
    "POST /allocations/{allocation_id}/approvals": r.APPROVE_ALLOCATION,
    "POST /allocations/{allocation_id}/close": r.CLOSE_ALLOCATION,
    "GET /allocations/{allocation_id}/disbursements": r.READ,
    "POST /allocations/{allocation_id}/disbursements": r.REQUEST_DISBURSEMENT,
    "GET /disbursements/{disbursement_id}": r.READ,
    "POST /disbursements/{disbursement_id}/confirm-paid": r.SETTLE_DISBURSEMENT,
    "POST /disbursements/{disbursement_id}/confirm-delivered": r.CONFIRM_DELIVERY,
    "POST /disbursements/{disbursement_id}/fail": r.SETTLE_DISBURSEMENT,
    "POST /disbursements/{disbursement_id}/retry": r.SETTLE_DISBURSEMENT,
    "POST /disbursements/{disbursement_id}/cancel": r.SETTLE_DISBURSEMENT,
    "POST /reconciliations": r.RECONCILE,
    "GET /reconciliations/{reconciliation_id}": r.READ,
    "PUT /child-care-providers/{person_id}": r.RECORD_CHILD_CARE,
    "POST /child-care-sessions": r.RECORD_CHILD_CARE,
    "GET /child-care-sessions/person-times": r.READ,
    "GET /child-care-sessions/{session_id}": r.READ,
}


@pytest.fixture(scope="module")
async def svc(pg_admin_dsn: str, kafka_bootstrap: str) -> AsyncIterator[Harness]:
    """One charity service for the module, with its vault keys."""
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


def code(prefix: str) -> str:
    """A unique human code."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def project(svc: Harness, kind: str, purpose: str) -> dict[str, Any]:
    """A project in the library."""
    return await made(svc, "/projects", project_body(kind, purpose), "finance_officer")


def project_body(kind: str, purpose: str) -> dict[str, Any]:
    """A new project in the library."""
    return {
        "code": code("PRJ"),
        "name": "访问控制测试项目",
        "kind": kind,
        "purpose": purpose,
        "in_project_library": True,
    }


async def beneficiary(svc: Harness, kind: str, born: str, project_id: str) -> dict[str, Any]:
    """A beneficiary with personal data in the vault, enrolled in a project."""
    body = {
        "kind": kind,
        "county_code": "430902",
        "name": "王小明",
        "id_card_no": id_card(born),
    }
    found = await made(svc, "/beneficiaries", body, "caseworker")
    enrol = {"project_id": project_id}
    await made(svc, f"/beneficiaries/{found['id']}/enrollments", enrol, "caseworker")
    return found


async def approved_allocation(svc: Harness, fund_id: str, project_id: str) -> dict[str, Any]:
    """An allocation through both stages of a donation fund, by two approvers.

    Every role that may request one drafts one; the first (the finance office's) goes on.
    """
    allocation = await made_by_each(
        svc,
        r.REQUEST_ALLOCATION,
        "/allocations",
        lambda: {
            "code": code("ALC"),
            "fund_id": fund_id,
            "project_id": project_id,
            "amount_minor": 300_000,
            "valid_until": "2024-12-31",
        },
    )
    path = f"/allocations/{allocation['id']}"
    await made(svc, f"{path}/submit", {}, r.REQUEST_ALLOCATION[0])
    await made(svc, f"{path}/approvals", {"stage": "SECTION_REVIEW"}, "approver")
    return await made(svc, f"{path}/approvals", {"stage": "LEADER_APPROVAL"}, "approver_2")


async def world(svc: Harness) -> dict[str, str]:
    """One thing of each kind the reads can name, created once by every role allowed to."""
    fund = await made_by_each(
        svc, r.OPEN_FUND, "/funds", lambda: {"code": code("FUND"), "source_type": "DONATION"}
    )
    await made_by_each(
        svc,
        r.CREDIT_FUND,
        f"/funds/{fund['id']}/credits",
        lambda: {
            "amount_minor": 1_000_000,
            "credited_at": "2024-01-15T02:00:00Z",
            "reference": code("CZ"),
        },
    )
    relief = await made_by_each(
        svc,
        r.REGISTER_PROJECT,
        "/projects",
        lambda: project_body("RELIEF_GOODS", "RELIEVE_POVERTY"),
    )
    donation = await made_by_each(
        svc,
        r.RECORD_DONATION,
        "/donations",
        lambda: {
            "receipt_no": code("PJ"),
            "fund_id": fund["id"],
            "donor_type": "ORGANISATION",
            "donor_display_name": "益阳某爱心企业",
            "kind": "CASH",
            "amount_minor": 50_000,
            "received_at": "2024-02-01T02:00:00Z",
        },
    )
    household = await beneficiary(svc, "HOUSEHOLD", "19700101", relief["id"])
    allocation = await approved_allocation(svc, fund["id"], relief["id"])
    disbursement = await made_by_each(
        svc,
        r.REQUEST_DISBURSEMENT,
        f"/allocations/{allocation['id']}/disbursements",
        lambda: {
            "beneficiary_id": household["id"],
            "kind": "CASH",
            "amount_minor": 100_000,
            "round_code": code("2024-冬季慰问"),
        },
    )
    reconciliation = await made_by_each(
        svc,
        r.RECONCILE,
        "/reconciliations",
        lambda: {"allocation_id": allocation["id"], "period_end_on": "2024-11-30"},
    )
    provider = {"role": "VOLUNTEER_MOTHER"}
    await made_by_each(
        svc, r.RECORD_CHILD_CARE, f"/child-care-providers/{uuid.uuid4()}", lambda: provider, "PUT"
    )
    mothers = await project(svc, "WEEKEND_MOTHERS", "RESCUE_ORPHANS")
    child = await beneficiary(svc, "CHILD", "20150612", mothers["id"])
    session = await made_by_each(
        svc,
        r.RECORD_CHILD_CARE,
        "/child-care-sessions",
        lambda: {
            "project_id": mothers["id"],
            "provider_person_id": str(uuid.uuid4()),
            "held_on": "2024-11-30",
            "child_beneficiary_ids": [child["id"]],
            "minutes": 120,
        },
    )
    return {
        "fund_id": fund["id"],
        "project_id": relief["id"],
        "donation_id": donation["id"],
        "beneficiary_id": household["id"],
        "allocation_id": allocation["id"],
        "disbursement_id": disbursement["id"],
        "reconciliation_id": reconciliation["id"],
        "session_id": session["id"],
    }


@pytest.fixture(scope="module")
async def probe(svc: Harness) -> Probe:
    """The service's routes, with a world to read."""
    return Probe(
        svc,
        TABLE,
        world=await world(svc),
        query={
            "GET /beneficiaries/{beneficiary_id}/personal-data": {"purpose": "访问控制矩阵核验"},
            "GET /child-care-sessions/person-times": {"year": 2024},
        },
    )


class TestCharityMatrix(MatrixTests):
    """Every charity route, every role."""


async def outbox_size(svc: Harness) -> int:
    """Outbox rows ever written (its sequence): a refused command adds none."""
    return int(
        await svc.pool.fetchval("SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)")
    )


async def submitted(svc: Harness, *, lottery: bool, requester: str) -> str:
    """An allocation waiting for its first stage; its path."""
    if lottery:
        body = {"code": code("LOT"), "source_type": "LOTTERY_WELFARE", "fiscal_year": 2023}
    else:
        body = {"code": code("FUND"), "source_type": "DONATION"}
    fund = await made(svc, "/funds", body, "finance_officer")
    credit = {"amount_minor": 1_000_000, "credited_at": "2024-01-15T02:00:00Z", "reference": "CZ"}
    await made(svc, f"/funds/{fund['id']}/credits", credit, "finance_officer")
    prj = await project(svc, "RELIEF_GOODS", "RELIEVE_POVERTY")
    draft = {
        "code": code("ALC"),
        "fund_id": fund["id"],
        "project_id": prj["id"],
        "amount_minor": 100_000,
        "valid_until": "2024-12-31",
    }
    allocation = await made(svc, "/allocations", draft, requester)
    await made(svc, f"/allocations/{allocation['id']}/submit", {}, requester)
    return f"/allocations/{allocation['id']}"


async def refused(svc: Harness, path: str, body: dict[str, Any], key: str, code_: str) -> None:
    """A decision refused with 403 ``code_`` that changes nothing and emits nothing."""
    before = (await svc.client.get(path, headers=svc.auth("auditor"))).json()
    outbox = await outbox_size(svc)
    response = await svc.client.post(f"{path}/approvals", json=body, headers=svc.auth(key))
    assert is_problem(response, 403, code_) is None, (key, body, response.text)
    assert await outbox_size(svc) == outbox
    assert (await svc.client.get(path, headers=svc.auth("auditor"))).json() == before


async def test_four_eyes_holds_for_rejections_and_for_the_finance_bureau_too(svc: Harness) -> None:
    # The service's tests cover approvals by the requester, a second stage by one approver,
    # an approver at the co-signature and a forged approver_id equal to the requester's.
    # Rejecting is a decision as well, the bureau may not take the section's stages, and an
    # approver_id naming any other person (a colleague) is as forged as the requester's.
    own = await submitted(svc, lottery=False, requester="approver")
    reject = {"stage": "SECTION_REVIEW", "decision": "REJECT", "reason_code": "BUDGET"}
    await refused(svc, own, reject, "approver", "four_eyes")
    for stage in ("SECTION_REVIEW", "LEADER_APPROVAL"):
        await refused(svc, own, {"stage": stage}, "finance_bureau", "four_eyes")
    colleague = {"stage": "SECTION_REVIEW", "approver_id": person("approver_3")}
    await refused(svc, own, colleague, "approver_2", "four_eyes")
    await made(svc, f"{own}/approvals", {"stage": "SECTION_REVIEW"}, "approver_2")
    reject_next = {"stage": "LEADER_APPROVAL", "decision": "REJECT", "reason_code": "BUDGET"}
    await refused(svc, own, reject_next, "approver_2", "four_eyes")
    lottery = await submitted(svc, lottery=True, requester="finance_officer")
    await made(svc, f"{lottery}/approvals", {"stage": "SECTION_REVIEW"}, "approver")
    await made(svc, f"{lottery}/approvals", {"stage": "LEADER_APPROVAL"}, "approver_2")
    await refused(svc, lottery, {"stage": "FINANCE_COSIGN"}, "approver_3", "four_eyes")
    await refused(svc, lottery, {"stage": "FINANCE_COSIGN"}, "finance_officer", "forbidden_role")
    done = await made(svc, f"{lottery}/approvals", {"stage": "FINANCE_COSIGN"}, "finance_bureau")
    assert done["status"] == "APPROVED"
    deciders = [s.get("approver_id") for s in done["stages"]]
    assert deciders == [person("approver"), person("approver_2"), person("finance_bureau")]


async def audit_rows(svc: Harness, subject: str) -> list[tuple[str, str, str, list[str]]]:
    """The clear reads of a subject: actor, role, purpose, fields."""
    rows = await svc.pool.fetch(
        "SELECT actor_id, actor_role, purpose, fields FROM pii_access_log WHERE subject_id = $1"
        " ORDER BY seq",
        uuid.UUID(subject),
    )
    return [(str(r["actor_id"]), r["actor_role"], r["purpose"], list(r["fields"])) for r in rows]


async def test_clear_personal_data_only_for_caseworkers_and_every_read_is_audited(
    svc: Harness,
) -> None:
    number = id_card("20160305")
    body = {"kind": "CHILD", "county_code": "430902", "name": "李小红", "id_card_no": number}
    child = await made(svc, "/beneficiaries", body, "caseworker")
    path = f"/beneficiaries/{child['id']}/personal-data"
    clear = ("李小红", number)
    for role in r.READ:
        masked = await svc.client.get(f"/beneficiaries/{child['id']}", headers=svc.auth(role))
        assert masked.status_code == 200, (role, masked.text)
        assert not [v for v in clear if v in masked.text], role
    # Decision: a refused read is not audited (the 403 comes before the subject is looked up).
    for role in sorted(set(ROLES) - set(r.READ_PERSONAL_DATA)):
        denied = await svc.client.get(path, params={"purpose": "核对"}, headers=svc.auth(role))
        assert is_problem(denied, 403, "forbidden_role") is None, role
        assert not [v for v in clear if v in denied.text]
    # The purpose is kept in clear in the audit log, outside the vault: no personal data in it.
    for purpose in (f"核对 {number}", "回电 13912345678"):
        leaky = await svc.client.get(
            path, params={"purpose": purpose}, headers=svc.auth("caseworker")
        )
        assert is_problem(leaky, 422, "pii_in_free_text") is None, leaky.text
        assert number not in leaky.text
    assert await audit_rows(svc, child["id"]) == []
    read = await svc.client.get(
        path, params={"purpose": "核对助学金"}, headers=svc.auth("caseworker")
    )
    assert read.status_code == 200, read.text
    assert read.json()["fields"]["id_card_no"] == number
    assert await audit_rows(svc, child["id"]) == [
        (person("caseworker"), "caseworker", "核对助学金", ["id_card_no", "name"])
    ]
    log = await svc.client.get(
        "/pii-audit", params={"subject_id": child["id"]}, headers=svc.auth("auditor")
    )
    assert log.status_code == 200
    assert not [v for v in clear if v in log.text], "the auditor sees who read, never the data"
