"""Disbursements: reservation, settlement, failure and retry, and the balance under concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared.testing import Harness
from tests.integration.helpers import Api, code, problem

PAID = {"bank_ref": "BANK-0001", "paid_at": "2024-11-30T04:00:00Z"}


async def approved(api: Api, amount: int, kind: str = "RELIEF_GOODS") -> dict[str, Any]:
    fund = await api.fund("DONATION", credit=amount * 2)
    project = await api.project(kind)
    return await api.allocation(fund, project, amount)


async def test_a_request_reserves_and_a_payment_settles(api: Api) -> None:
    allocation = await approved(api, 1_000_000)
    person = await api.beneficiary()
    response = await api.disburse(allocation["id"], person["id"], 100_000)
    assert response.status_code == 201, response.text
    disbursement = response.json()
    state = (await api.get(f"/allocations/{allocation['id']}")).json()
    assert (state["reserved_minor"], state["remaining_minor"]) == (100_000, 900_000)
    paid = await api.ok(
        f"/disbursements/{disbursement['id']}/confirm-paid", PAID, "finance_officer", 200
    )
    assert paid["status"] == "PAID"
    async with api.emits_nothing():
        again = await api.ok(
            f"/disbursements/{disbursement['id']}/confirm-paid", PAID, "finance_officer", 200
        )
        assert again["aggregate_version"] == paid["aggregate_version"]
    state = (await api.get(f"/allocations/{allocation['id']}")).json()
    assert (state["reserved_minor"], state["disbursed_minor"]) == (0, 100_000)
    events = await api.events("charity.disbursements", disbursement["id"])
    assert [e["type"] for e in events] == [
        "charity.disbursement.requested.v1",
        "charity.disbursement.paid.v1",
    ]
    assert events[0]["data"]["beneficiary_id"] == person["id"]
    assert "BANK" not in str(events)


async def test_goods_are_valued_and_delivered_against_a_receipt(api: Api) -> None:
    allocation = await approved(api, 1_000_000)
    household = await api.beneficiary()
    items = [
        {"name": "大米", "quantity": 2, "unit_value_minor": 15_000},
        {"name": "食用油", "quantity": 1, "unit_value_minor": 8_000},
    ]
    async with api.emits_nothing():
        bare = await api.disburse(allocation["id"], household["id"], 38_000, kind="IN_KIND")
        problem(bare, 422, "in_kind_incomplete")
        wrong = await api.disburse(
            allocation["id"], household["id"], 40_000, kind="IN_KIND", items=items
        )
        problem(wrong, 422, "valuation_mismatch")
    goods = (
        await api.disburse(allocation["id"], household["id"], 38_000, kind="IN_KIND", items=items)
    ).json()
    async with api.emits_nothing():
        problem(
            await api.post(f"/disbursements/{goods['id']}/confirm-paid", PAID, "finance_officer"),
            422,
            "wrong_settlement_kind",
        )
    receipt = {"receipt_ref": "QS-1", "delivered_at": "2024-11-30T04:00:00Z"}
    delivered = await api.ok(
        f"/disbursements/{goods['id']}/confirm-delivered", receipt, "caseworker", 200
    )
    assert delivered["status"] == "DELIVERED"
    [_, event] = await api.events("charity.disbursements", goods["id"])
    assert event["type"] == "charity.disbursement.delivered.v1"
    assert event["data"]["amount_minor"] == 38_000


async def test_a_failed_payment_needs_a_retry_before_it_is_paid(api: Api) -> None:
    allocation = await approved(api, 100_000)
    person = await api.beneficiary()
    d = (await api.disburse(allocation["id"], person["id"], 50_000)).json()
    path = f"/disbursements/{d['id']}"
    async with api.emits_nothing():
        problem(await api.post(f"{path}/retry", {}, "finance_officer"), 409, "invalid_state")
    failed = await api.ok(f"{path}/fail", {"reason_code": "ACCOUNT_CLOSED"}, "finance_officer", 200)
    assert failed["status"] == "FAILED"
    state = (await api.get(f"/allocations/{allocation['id']}")).json()
    assert state["reserved_minor"] == 50_000  # the reservation is kept
    async with api.emits_nothing():
        problem(
            await api.post(f"{path}/confirm-paid", PAID, "finance_officer"), 409, "retry_required"
        )
    retried = await api.ok(f"{path}/retry", {}, "finance_officer", 200)
    assert retried["attempt"] == 2
    await api.ok(f"{path}/confirm-paid", PAID, "finance_officer", 200)
    events = await api.events("charity.disbursements", d["id"])
    assert [e["type"].split(".")[2] for e in events] == ["requested", "failed", "retried", "paid"]
    assert events[1]["data"]["attempt"] == 1
    assert events[2]["data"]["attempt"] == 2


async def test_a_cancel_releases_the_reservation_and_allows_a_new_benefit(api: Api) -> None:
    allocation = await approved(api, 100_000)
    person = await api.beneficiary()
    round_code = code("2024-2025")
    d = (await api.disburse(allocation["id"], person["id"], 60_000, round_code=round_code)).json()
    async with api.emits_nothing():
        dup = await api.disburse(allocation["id"], person["id"], 1_000, round_code=round_code)
        problem(dup, 409, "duplicate_benefit")
    await api.ok(
        f"/disbursements/{d['id']}/cancel", {"reason_code": "WRONG_ROUND"}, "finance_officer", 200
    )
    async with api.emits_nothing():
        late = await api.post(f"/disbursements/{d['id']}/confirm-paid", PAID, "finance_officer")
        problem(late, 409, "disbursement_cancelled")
    state = (await api.get(f"/allocations/{allocation['id']}")).json()
    assert (state["reserved_minor"], state["remaining_minor"]) == (0, 100_000)
    again = await api.disburse(allocation["id"], person["id"], 100_000, round_code=round_code)
    assert again.status_code == 201, again.text


async def test_a_disbursement_amount_must_be_a_positive_integer(api: Api, svc: Harness) -> None:
    allocation = await approved(api, 100_000)
    person = await api.beneficiary()
    async with api.emits_nothing():
        for amount in ("100.5", '"100"', "0", "-100", "1e3", "true", "null"):
            raw = (
                f'{{"beneficiary_id": "{person["id"]}", "kind": "CASH", "amount_minor": {amount}, '
                '"round_code": "R-1"}'
            )
            response = await svc.client.post(
                f"/allocations/{allocation['id']}/disbursements",
                content=raw,
                headers={**svc.auth("finance_officer"), "content-type": "application/json"},
            )
            problem(response, 422, "invalid_amount")


async def test_disbursement_refusals_change_nothing(api: Api) -> None:
    allocation = await approved(api, 7_400_000)
    scholarship = await approved(api, 100_000, kind="SCHOLARSHIP")
    fund = await api.fund("DONATION", credit=1_000)
    project = await api.project()
    pending = await api.ok(
        "/allocations",
        {
            "code": code("A"),
            "fund_id": fund["id"],
            "project_id": project["id"],
            "amount_minor": 1_000,
            "valid_until": "2024-12-31",
        },
        "finance_officer",
    )
    household = await api.beneficiary()
    gone = await api.beneficiary()
    await api.ok(
        f"/beneficiaries/{gone['id']}/deactivate", {"reason_code": "MOVED_AWAY"}, "caseworker", 200
    )
    async with api.emits_nothing():
        over = problem(
            await api.disburse(allocation["id"], household["id"], 7_500_000),
            409,
            "insufficient_allocation_balance",
        )
        assert over["remaining_minor"] == 7_400_000
        problem(await api.disburse(pending["id"], household["id"], 100), 409, "allocation_not_open")
        problem(await api.disburse(allocation["id"], gone["id"], 100), 409, "beneficiary_inactive")
        unknown = "00000000-0000-4000-8000-00000000000a"
        problem(await api.disburse(allocation["id"], unknown, 100), 422, "unknown_reference")
        problem(
            await api.disburse(scholarship["id"], household["id"], 100),
            422,
            "beneficiary_kind_mismatch",
        )
        problem(await api.disburse(unknown, household["id"], 100), 404, "not_found")
        response = await api.post(
            f"/allocations/{allocation['id']}/disbursements",
            {
                "beneficiary_id": household["id"],
                "kind": "CASH",
                "amount_minor": 100,
                "round_code": "R",
            },
            "approver",
        )
        problem(response, 403, "forbidden_role")


async def test_fifty_concurrent_requests_never_exceed_the_allocation(
    api: Api, svc: Harness
) -> None:
    allocation = await approved(api, 1_000_000)
    person = await api.beneficiary()
    amount = 30_000  # 33 fit (990,000); 17 must be refused
    responses = await asyncio.gather(
        *(
            api.disburse(allocation["id"], person["id"], amount, round_code=f"R-{n}")
            for n in range(50)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 33
    assert statuses.count(409) == 17
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.json()["code"] == "insufficient_allocation_balance"
    total = await svc.pool.fetchval(
        "SELECT sum(amount_minor) FROM disbursements WHERE allocation_id = $1", allocation["id"]
    )
    assert total == 990_000 <= 1_000_000
    state = (await api.get(f"/allocations/{allocation['id']}")).json()
    assert state["reserved_minor"] == 990_000
    assert state["remaining_minor"] == 10_000
    assert (
        state["reserved_minor"] + state["disbursed_minor"] + state["remaining_minor"] == 1_000_000
    )
    cached = await svc.pool.fetchval(
        "SELECT balance_minor FROM account_balances WHERE account = $1",
        f"allocation:{allocation['id']}:remaining",
    )
    assert cached == 10_000
    check = (await api.get("/ledger/check")).json()
    assert check["balanced"], check
    requested = [
        e
        for e in await svc.events("charity.disbursements")
        if e["data"].get("allocation_id") == allocation["id"]
    ]
    assert len(requested) == 33


async def test_the_database_itself_refuses_an_overdraw(api: Api, svc: Harness) -> None:
    allocation = await approved(api, 1_000)
    account = f"allocation:{allocation['id']}:remaining"
    async with svc.pool.acquire() as conn:
        with pytest.raises(Exception, match="account_balances_not_negative"):
            await conn.execute(
                "INSERT INTO ledger_entries (kind, amount_minor, from_account, to_account, fund_id,"
                " allocation_id, occurred_at) VALUES ('RESERVE', 1001, $1, $2, $3, $4, now())",
                account,
                f"allocation:{allocation['id']}:reserved",
                allocation["fund_id"],
                allocation["id"],
            )
        with pytest.raises(Exception, match="append-only"):
            await conn.execute(
                "DELETE FROM ledger_entries WHERE allocation_id = $1", allocation["id"]
            )
