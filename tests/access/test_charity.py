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
from tests.access.matrix import PLATFORM, MatrixTests, Probe, Roles
from tests.access.world import id_card, made

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
    body = {
        "code": code("PRJ"),
        "name": "访问控制测试项目",
        "kind": kind,
        "purpose": purpose,
        "in_project_library": True,
    }
    return await made(svc, "/projects", body, "finance_officer")


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
    """An allocation through both stages of a donation fund, by two approvers."""
    body = {
        "code": code("ALC"),
        "fund_id": fund_id,
        "project_id": project_id,
        "amount_minor": 500_000,
        "valid_until": "2024-12-31",
    }
    allocation = await made(svc, "/allocations", body, "finance_officer")
    path = f"/allocations/{allocation['id']}"
    await made(svc, f"{path}/submit", {}, "finance_officer")
    await made(svc, f"{path}/approvals", {"stage": "SECTION_REVIEW"}, "approver")
    return await made(svc, f"{path}/approvals", {"stage": "LEADER_APPROVAL"}, "approver_2")


async def world(svc: Harness) -> dict[str, str]:
    """One thing of each kind the reads can name."""
    fund = await made(
        svc, "/funds", {"code": code("FUND"), "source_type": "DONATION"}, "finance_officer"
    )
    credit = {"amount_minor": 1_000_000, "credited_at": "2024-01-15T02:00:00Z", "reference": "CZ"}
    await made(svc, f"/funds/{fund['id']}/credits", credit, "finance_officer")
    relief = await project(svc, "RELIEF_GOODS", "RELIEVE_POVERTY")
    donation = await made(
        svc,
        "/donations",
        {
            "receipt_no": code("PJ"),
            "fund_id": fund["id"],
            "donor_type": "ORGANISATION",
            "donor_display_name": "益阳某爱心企业",
            "kind": "CASH",
            "amount_minor": 50_000,
            "received_at": "2024-02-01T02:00:00Z",
        },
        "finance_officer",
    )
    household = await beneficiary(svc, "HOUSEHOLD", "19700101", relief["id"])
    allocation = await approved_allocation(svc, fund["id"], relief["id"])
    disbursement = await made(
        svc,
        f"/allocations/{allocation['id']}/disbursements",
        {
            "beneficiary_id": household["id"],
            "kind": "CASH",
            "amount_minor": 100_000,
            "round_code": code("2024-冬季慰问"),
        },
        "finance_officer",
    )
    reconciliation = await made(
        svc,
        "/reconciliations",
        {"allocation_id": allocation["id"], "period_end_on": "2024-11-30"},
        "finance_officer",
    )
    mothers = await project(svc, "WEEKEND_MOTHERS", "RESCUE_ORPHANS")
    child = await beneficiary(svc, "CHILD", "20150612", mothers["id"])
    session = await made(
        svc,
        "/child-care-sessions",
        {
            "project_id": mothers["id"],
            "provider_person_id": str(uuid.uuid4()),
            "held_on": "2024-11-30",
            "child_beneficiary_ids": [child["id"]],
            "minutes": 120,
        },
        "caseworker",
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
