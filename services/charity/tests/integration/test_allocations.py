"""Allocations: staged approval with four eyes, lottery rules, fund balance, end to end."""

from __future__ import annotations

from typing import Any

from tests.integration.helpers import Api, code, problem


def draft_body(
    fund: dict[str, Any], project: dict[str, Any], amount: int, **extra: Any
) -> dict[str, Any]:
    return {
        "code": code("ALC"),
        "fund_id": fund["id"],
        "project_id": project["id"],
        "amount_minor": amount,
        "valid_until": "2024-12-31",
        **extra,
    }


async def test_a_lottery_allocation_passes_three_stages_with_three_people(api: Api) -> None:
    fund = await api.fund("LOTTERY_WELFARE", 2040, credit=200_000_000)
    project = await api.project("SCHOLARSHIP", "RELIEVE_POVERTY")
    draft = await api.ok("/allocations", draft_body(fund, project, 95_000_000), "finance_officer")
    assert draft["status"] == "DRAFT"
    assert draft["aggregate_version"] == 0
    assert [s["stage"] for s in draft["stages"]] == [
        "SECTION_REVIEW",
        "LEADER_APPROVAL",
        "FINANCE_COSIGN",
    ]
    assert await api.events("charity.allocations", draft["id"]) == []
    approved = await api.allocation(fund, project, 95_000_000)
    events = await api.events("charity.allocations", approved["id"])
    assert [e["type"].split(".")[2] for e in events] == [
        "submitted",
        "stage_approved",
        "stage_approved",
        "stage_approved",
        "approved",
    ]
    assert [e["aggregateversion"] for e in events] == [1, 2, 3, 4, 5]
    assert events[0]["data"]["requester_id"] == events[0]["actor"]
    approvers = {e["data"]["approver_id"] for e in events[1:4]}
    assert len(approvers) == 3
    assert events[4]["data"]["amount_minor"] == 95_000_000
    assert approved["remaining_minor"] == 95_000_000
    balance = (await api.get(f"/funds/{fund['id']}")).json()
    assert balance["allocated_minor"] == 95_000_000
    assert balance["available_minor"] == 105_000_000


async def test_a_donation_allocation_has_two_stages_and_no_cosignature(api: Api) -> None:
    fund = await api.fund("DONATION", credit=1_000_000)
    project = await api.project()
    allocation = await api.ok("/allocations", draft_body(fund, project, 500_000), "finance_officer")
    await api.ok(f"/allocations/{allocation['id']}/submit", {}, "finance_officer", 200)
    async with api.emits_nothing():
        response = await api.post(
            f"/allocations/{allocation['id']}/approvals",
            {"stage": "FINANCE_COSIGN"},
            "finance_bureau",
        )
        problem(response, 422, "stage_not_applicable")
    done = await api.allocation(fund, project, 400_000)
    assert [s["stage"] for s in done["stages"]] == ["SECTION_REVIEW", "LEADER_APPROVAL"]


async def test_four_eyes_refuses_the_requester_and_a_second_stage_by_the_same_person(
    api: Api,
) -> None:
    fund = await api.fund("LOTTERY_WELFARE", 2041, credit=10_000_000)
    project = await api.project()
    # An approver drafts it: they may approve others' allocations, never their own.
    allocation = await api.ok("/allocations", draft_body(fund, project, 1_000_000), "approver")
    path = f"/allocations/{allocation['id']}"
    await api.ok(f"{path}/submit", {}, "approver", 200)
    async with api.emits_nothing():
        own = await api.post(f"{path}/approvals", {"stage": "SECTION_REVIEW"}, "approver")
        assert "四眼" in problem(own, 403, "four_eyes")["detail"]
    await api.ok(f"{path}/approvals", {"stage": "SECTION_REVIEW"}, "approver_2", 200)
    async with api.emits_nothing():
        twice = await api.post(f"{path}/approvals", {"stage": "LEADER_APPROVAL"}, "approver_2")
        problem(twice, 403, "four_eyes")
        wrong_role = await api.post(f"{path}/approvals", {"stage": "FINANCE_COSIGN"}, "approver_3")
        problem(wrong_role, 403, "four_eyes")
        no_role = await api.post(
            f"{path}/approvals", {"stage": "LEADER_APPROVAL"}, "finance_officer"
        )
        problem(no_role, 403, "forbidden_role")
        someone_else = {"stage": "LEADER_APPROVAL", "approver_id": allocation["requester_id"]}
        problem(await api.post(f"{path}/approvals", someone_else, "approver_3"), 403, "four_eyes")
        early = await api.post(f"{path}/approvals", {"stage": "FINANCE_COSIGN"}, "finance_bureau")
        problem(early, 409, "stage_out_of_order")
    state = (await api.get(path)).json()
    assert state["status"] == "SUBMITTED"
    assert state["next_stage"] == "LEADER_APPROVAL"


async def test_a_rejection_needs_a_reason_and_ends_the_allocation(api: Api) -> None:
    fund = await api.fund("DONATION", credit=1_000_000)
    project = await api.project()
    allocation = await api.ok("/allocations", draft_body(fund, project, 100_000), "finance_officer")
    path = f"/allocations/{allocation['id']}"
    await api.ok(f"{path}/submit", {}, "finance_officer", 200)
    async with api.emits_nothing():
        bare = {"stage": "SECTION_REVIEW", "decision": "REJECT"}
        problem(await api.post(f"{path}/approvals", bare, "approver"), 422, "reason_required")
    rejected = await api.ok(
        f"{path}/approvals", {**bare, "reason_code": "BUDGET_UNCLEAR"}, "approver", 200
    )
    assert rejected["status"] == "REJECTED"
    last = (await api.events("charity.allocations", allocation["id"]))[-1]
    assert last["type"] == "charity.allocation.rejected.v1"
    assert last["data"]["reason_code"] == "BUDGET_UNCLEAR"
    async with api.emits_nothing():
        after = await api.post(f"{path}/approvals", {"stage": "SECTION_REVIEW"}, "approver_2")
        problem(after, 409, "invalid_state")
        problem(await api.post(f"{path}/submit", {}, "finance_officer"), 409, "invalid_state")


async def test_lottery_money_only_for_library_projects_and_never_for_prohibited_expenses(
    api: Api,
) -> None:
    fund = await api.fund("LOTTERY_WELFARE", 2042, credit=10_000_000)
    outside = await api.project(library=False)
    inside = await api.project()
    async with api.emits_nothing():
        body = draft_body(fund, outside, 1_000)
        problem(
            await api.post("/allocations", body, "finance_officer"), 422, "not_in_project_library"
        )
        body = draft_body(fund, inside, 1_000, expense_class="OFFICIAL_RECEPTION")
        problem(await api.post("/allocations", body, "finance_officer"), 422, "prohibited_use")
    donation_fund = await api.fund("DONATION", credit=10_000)
    await api.ok("/allocations", draft_body(donation_fund, outside, 1_000), "finance_officer")


async def test_an_allocation_never_exceeds_the_funds_available_money(api: Api) -> None:
    fund = await api.fund("LOTTERY_WELFARE", 2043, credit=145_000_000)
    project = await api.project()
    async with api.emits_nothing():
        body = draft_body(fund, project, 150_000_000)
        refused = problem(
            await api.post("/allocations", body, "finance_officer"),
            409,
            "insufficient_fund_balance",
        )
        assert refused["available_minor"] == 145_000_000
    first = await api.ok("/allocations", draft_body(fund, project, 100_000_000), "finance_officer")
    await api.allocation(fund, project, 100_000_000)  # a second one, approved first
    path = f"/allocations/{first['id']}"
    submitted = await api.post(f"{path}/submit", {}, "finance_officer")
    problem(submitted, 409, "insufficient_fund_balance")
    balance = (await api.get(f"/funds/{fund['id']}")).json()
    assert balance["available_minor"] == 45_000_000


async def test_the_last_approval_rechecks_the_fund_under_its_lock(api: Api) -> None:
    fund = await api.fund("DONATION", credit=1_000_000)
    project = await api.project()
    waiting = await api.ok("/allocations", draft_body(fund, project, 800_000), "finance_officer")
    path = f"/allocations/{waiting['id']}"
    await api.ok(f"{path}/submit", {}, "finance_officer", 200)
    await api.ok(f"{path}/approvals", {"stage": "SECTION_REVIEW"}, "approver", 200)
    await api.allocation(fund, project, 500_000)
    async with api.emits_nothing():
        last = await api.post(f"{path}/approvals", {"stage": "LEADER_APPROVAL"}, "approver_2")
        problem(last, 409, "insufficient_fund_balance")
    assert (await api.get(path)).json()["status"] == "SUBMITTED"


async def test_designated_money_serves_only_its_project(api: Api) -> None:
    fund = await api.fund("DONATION")
    mine = await api.project()
    other = await api.project()
    donation = {
        "receipt_no": code("PJ"),
        "fund_id": fund["id"],
        "donor_type": "ORGANISATION",
        "kind": "CASH",
        "amount_minor": 300_000,
        "designated_project_id": mine["id"],
        "received_at": "2024-03-01T02:00:00Z",
    }
    await api.ok("/donations", donation, "finance_officer")
    async with api.emits_nothing():
        body = draft_body(fund, other, 1)
        problem(
            await api.post("/allocations", body, "finance_officer"),
            409,
            "insufficient_fund_balance",
        )
    allocation = await api.allocation(fund, mine, 300_000)
    assert allocation["remaining_minor"] == 300_000
    balance = (await api.get(f"/funds/{fund['id']}")).json()
    assert balance["designated_minor"] == {}
    assert balance["available_minor"] == 0


async def test_a_draft_can_be_cancelled_silently(api: Api) -> None:
    fund = await api.fund("DONATION", credit=1_000)
    project = await api.project()
    draft = await api.ok("/allocations", draft_body(fund, project, 1_000), "finance_officer")
    async with api.emits_nothing():
        cancelled = await api.ok(f"/allocations/{draft['id']}/cancel", {}, "finance_officer", 200)
        assert cancelled["status"] == "CANCELLED"
        problem(
            await api.post(f"/allocations/{draft['id']}/submit", {}, "finance_officer"),
            409,
            "invalid_state",
        )
