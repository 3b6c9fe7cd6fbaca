"""Reconciliation against payment results, and closing an allocation."""

from __future__ import annotations

from typing import Any

from tests.integration.helpers import Api, problem


async def paid(api: Api, allocation: dict[str, Any], amount: int, ref: str) -> dict[str, Any]:
    person = await api.beneficiary()
    d = (await api.disburse(allocation["id"], person["id"], amount)).json()
    body = {"bank_ref": ref, "paid_at": "2024-11-30T04:00:00Z"}
    return await api.ok(f"/disbursements/{d['id']}/confirm-paid", body, "finance_officer", 200)


async def approved(api: Api, amount: int) -> dict[str, Any]:
    fund = await api.fund("DONATION", credit=amount)
    return await api.allocation(fund, await api.project(), amount)


async def test_discrepancies_are_found_and_counted(api: Api) -> None:
    allocation = await approved(api, 1_000_000)
    first = await paid(api, allocation, 100_000, "YH-1")
    await paid(api, allocation, 200_000, "YH-2")
    await paid(api, allocation, 300_000, "YH-3")
    body = {
        "allocation_id": allocation["id"],
        "period_end_on": "2024-11-30",
        "payment_results": [
            {"reference": "YH-1", "amount_minor": 100_000},
            {"reference": "YH-2", "amount_minor": 199_000},
            {"reference": "YH-9", "amount_minor": 5_000},
        ],
    }
    done = await api.ok("/reconciliations", body, "finance_officer")
    assert (done["expected_minor"], done["confirmed_minor"]) == (600_000, 304_000)
    kinds = sorted((d["kind"], d["reference"]) for d in done["discrepancies"])
    assert kinds == [
        ("AMOUNT_MISMATCH", "YH-2"),
        ("MISSING_RESULT", "YH-3"),
        ("UNMATCHED_RESULT", "YH-9"),
    ]
    [event] = await api.events("charity.reconciliations", done["id"])
    assert event["data"] == {
        "reconciliation_id": done["id"],
        "allocation_id": allocation["id"],
        "period_end_on": "2024-11-30",
        "expected_minor": 600_000,
        "confirmed_minor": 304_000,
        "discrepancy_count": 3,
    }
    assert first["status"] == "PAID"


async def test_closing_needs_a_clean_reconciliation_and_releases_the_remainder(api: Api) -> None:
    allocation = await approved(api, 1_000_000)
    path = f"/allocations/{allocation['id']}"
    await paid(api, allocation, 400_000, "YH-A")
    person = await api.beneficiary()
    open_one = (await api.disburse(allocation["id"], person["id"], 50_000)).json()
    async with api.emits_nothing():
        problem(await api.post(f"{path}/close", {}, "finance_officer"), 409, "open_disbursements")
    await api.ok(
        f"/disbursements/{open_one['id']}/cancel",
        {"reason_code": "DUPLICATE"},
        "finance_officer",
        200,
    )
    async with api.emits_nothing():
        problem(
            await api.post(f"{path}/close", {}, "finance_officer"), 409, "reconciliation_required"
        )
    wrong = {
        "allocation_id": allocation["id"],
        "period_end_on": "2024-11-30",
        "payment_results": [],
    }
    await api.ok("/reconciliations", wrong, "finance_officer")
    async with api.emits_nothing():
        problem(
            await api.post(f"{path}/close", {}, "finance_officer"), 409, "reconciliation_required"
        )
    clean = {"allocation_id": allocation["id"], "period_end_on": "2024-11-30"}
    done = await api.ok("/reconciliations", clean, "finance_officer")
    assert done["discrepancy_count"] == 0
    closed = await api.ok(f"{path}/close", {}, "finance_officer", 200)
    assert closed["status"] == "CLOSED"
    assert (closed["disbursed_minor"], closed["released_minor"], closed["remaining_minor"]) == (
        400_000,
        600_000,
        0,
    )
    last = (await api.events("charity.allocations", allocation["id"]))[-1]
    assert last["type"] == "charity.allocation.closed.v1"
    assert last["data"]["released_minor"] == 600_000
    fund = (await api.get(f"/funds/{allocation['fund_id']}")).json()
    assert fund["available_minor"] == 600_000
    assert fund["released_minor"] == 600_000
    person = await api.beneficiary()
    async with api.emits_nothing():
        problem(await api.disburse(allocation["id"], person["id"], 1), 409, "allocation_not_open")
        problem(await api.post(f"{path}/close", {}, "finance_officer"), 409, "invalid_state")


async def test_reconciliation_refusals(api: Api) -> None:
    allocation = await approved(api, 1_000)
    async with api.emits_nothing():
        future = {"allocation_id": allocation["id"], "period_end_on": "2024-12-01"}
        problem(await api.post("/reconciliations", future, "finance_officer"), 422, "in_future")
        unknown = {
            "allocation_id": "00000000-0000-4000-8000-0000000000aa",
            "period_end_on": "2024-11-30",
        }
        problem(
            await api.post("/reconciliations", unknown, "finance_officer"), 422, "unknown_reference"
        )
        body = {"allocation_id": allocation["id"], "period_end_on": "2024-11-30"}
        problem(await api.post("/reconciliations", body, "caseworker"), 403, "forbidden_role")
