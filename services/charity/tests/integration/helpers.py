"""Test helpers: build reference data through the public API, look at topics and the outbox."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.events import charity as ev
from shared.events.pii import find_pii
from shared.testing import Harness
from tests.support import id_card

NOW = datetime(2024, 11, 30, 4, 0, tzinfo=UTC)  # 12:00 in Yiyang
CHARITY_TOPICS = sorted({e.TOPIC for e in ev.EVENTS})


def code(prefix: str) -> str:
    """A unique human code."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def problem(response: httpx.Response, status: int, code_: str) -> dict[str, Any]:
    """Assert a problem+json refusal with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code_, body
    return body


class Api:
    """The service's public API, as a caseworker or finance officer would drive it."""

    def __init__(self, svc: Harness) -> None:
        self.svc = svc

    async def post(self, path: str, body: Any, role: str, **headers: str) -> httpx.Response:
        return await self.svc.client.post(
            path, json=body, headers={**self.svc.auth(role), **headers}
        )

    async def get(self, path: str, role: str = "auditor") -> httpx.Response:
        return await self.svc.client.get(path, headers=self.svc.auth(role))

    async def ok(self, path: str, body: Any, role: str, status: int = 201) -> dict[str, Any]:
        response = await self.post(path, body, role)
        assert response.status_code == status, response.text
        doc: dict[str, Any] = response.json()
        return doc

    async def fund(
        self, source_type: str = "DONATION", fiscal_year: int | None = None, credit: int = 0
    ) -> dict[str, Any]:
        body = {"code": code("FUND"), "source_type": source_type, "fiscal_year": fiscal_year}
        fund = await self.ok("/funds", body, "finance_officer")
        if credit:
            fund = await self.credit(fund["id"], credit)
        return fund

    async def credit(self, fund_id: str, amount: int) -> dict[str, Any]:
        body = {
            "amount_minor": amount,
            "credited_at": "2024-01-15T02:00:00Z",
            "reference": code("CZ"),
        }
        return await self.ok(f"/funds/{fund_id}/credits", body, "finance_officer")

    async def project(
        self, kind: str = "RELIEF_GOODS", purpose: str = "RELIEVE_POVERTY", library: bool = True
    ) -> dict[str, Any]:
        body = {
            "code": code("PRJ"),
            "name": "春节慰问",
            "kind": kind,
            "purpose": purpose,
            "in_project_library": library,
        }
        return await self.ok("/projects", body, "finance_officer")

    async def allocation(
        self,
        fund: dict[str, Any],
        project: dict[str, Any],
        amount: int,
        *,
        approve: bool = True,
        requester: str = "finance_officer",
    ) -> dict[str, Any]:
        body = {
            "code": code("ALC"),
            "fund_id": fund["id"],
            "project_id": project["id"],
            "amount_minor": amount,
            "valid_until": "2024-12-31",
        }
        allocation = await self.ok("/allocations", body, requester)
        if not approve:
            return allocation
        allocation = await self.ok(f"/allocations/{allocation['id']}/submit", {}, requester, 200)
        stages = [("SECTION_REVIEW", "approver"), ("LEADER_APPROVAL", "approver_2")]
        if fund["source_type"] == "LOTTERY_WELFARE":
            stages.append(("FINANCE_COSIGN", "finance_bureau"))
        for stage, role in stages:
            allocation = await self.ok(
                f"/allocations/{allocation['id']}/approvals", {"stage": stage}, role, 200
            )
        assert allocation["status"] == "APPROVED"
        return allocation

    async def beneficiary(self, kind: str = "HOUSEHOLD", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": kind, "county_code": "430902", **extra}
        if kind in ("CHILD", "STUDENT", "HOUSEHOLD"):
            body.setdefault("name", "王小明")
            body.setdefault("id_card_no", id_card())
        return await self.ok("/beneficiaries", body, "caseworker")

    async def enrol(self, beneficiary_id: str, project_id: str) -> dict[str, Any]:
        body = {"project_id": project_id}
        return await self.ok(
            f"/beneficiaries/{beneficiary_id}/enrollments", body, "caseworker", 200
        )

    async def disburse(
        self, allocation_id: str, beneficiary_id: str, amount: object, **extra: Any
    ) -> httpx.Response:
        body = {
            "beneficiary_id": beneficiary_id,
            "kind": "CASH",
            "amount_minor": amount,
            "round_code": code("2024-春节慰问"),
            **extra,
        }
        return await self.post(
            f"/allocations/{allocation_id}/disbursements", body, "finance_officer"
        )

    async def events(self, topic: str, subject: str) -> list[dict[str, Any]]:
        return await self.svc.events(topic, subject=subject)

    async def outbox_seq(self) -> int:
        return int(
            await self.svc.pool.fetchval(
                "SELECT coalesce(pg_sequence_last_value('outbox_seq_seq'), 0)"
            )
        )

    @contextlib.asynccontextmanager
    async def emits_nothing(self) -> AsyncIterator[None]:
        """Assert that the block adds no outbox row and no record to any charity topic."""
        await self.svc.drained()
        before_seq = await self.outbox_seq()
        before = await self.svc.end_offsets(CHARITY_TOPICS)
        yield
        await self.svc.drained()
        assert await self.outbox_seq() == before_seq
        assert await self.svc.end_offsets(CHARITY_TOPICS) == before

    async def assert_events_clean(self) -> None:
        """No string anywhere in any event looks like an ID-card or mobile number."""
        for topic in CHARITY_TOPICS:
            for event in await self.svc.events(topic):
                assert find_pii(event) == [], (topic, event["type"])
