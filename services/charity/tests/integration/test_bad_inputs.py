"""DOMAIN §11.6, charity fixtures #29-#37 and #39: each refused with its code, nothing emitted."""

from __future__ import annotations

from tests.integration.helpers import Api, code, problem


async def test_every_charity_bad_input_is_refused_and_emits_nothing(api: Api) -> None:
    lottery = await api.fund("LOTTERY_WELFARE", 2050, credit=145_000_000)
    donation = await api.fund("DONATION", credit=20_000_000)
    relief = await api.project()
    scholarship = await api.project("SCHOLARSHIP")
    outside = await api.project(library=False)
    mothers = await api.project("WEEKEND_MOTHERS", "RESCUE_ORPHANS")
    a6 = await api.allocation(donation, relief, 7_400_000)
    student = await api.beneficiary("STUDENT")
    household = await api.beneficiary()
    grants = await api.allocation(donation, scholarship, 1_000_000)
    first = await api.disburse(grants["id"], student["id"], 100_000, round_code="2024-2025")
    assert first.status_code == 201
    a1 = await api.allocation(donation, relief, 10_000)
    await api.ok(
        "/reconciliations",
        {"allocation_id": a1["id"], "period_end_on": "2024-11-30"},
        "finance_officer",
    )
    await api.ok(f"/allocations/{a1['id']}/close", {}, "finance_officer", 200)
    own = await api.ok(
        "/allocations",
        {
            "code": code("A"),
            "fund_id": donation["id"],
            "project_id": relief["id"],
            "amount_minor": 1,
            "valid_until": "2024-12-31",
        },
        "approver",
    )
    await api.ok(f"/allocations/{own['id']}/submit", {}, "approver", 200)
    child = await api.beneficiary("CHILD")
    await api.enrol(child["id"], mothers["id"])
    stranger = await api.beneficiary("CHILD")
    key = code("idem")
    fund_body = {"code": code("F"), "source_type": "DONATION"}
    first_fund = await api.post("/funds", fund_body, "finance_officer", **{"Idempotency-Key": key})
    lottery_draft = {"code": code("A"), "fund_id": lottery["id"], "valid_until": "2024-12-31"}

    async with api.emits_nothing():
        # 29
        problem(
            await api.disburse(a6["id"], household["id"], 7_500_000),
            409,
            "insufficient_allocation_balance",
        )
        # 30
        for amount in (100.5, "100", 0, -100):
            problem(await api.disburse(a6["id"], household["id"], amount), 422, "invalid_amount")
        # 31
        again = await api.disburse(grants["id"], student["id"], 100_000, round_code="2024-2025")
        problem(again, 409, "duplicate_benefit")
        # 32
        problem(await api.disburse(a1["id"], household["id"], 1_000), 409, "allocation_not_open")
        # 33
        reception = {
            **lottery_draft,
            "project_id": relief["id"],
            "amount_minor": 1_000,
            "expense_class": "OFFICIAL_RECEPTION",
        }
        problem(await api.post("/allocations", reception, "finance_officer"), 422, "prohibited_use")
        library = {**lottery_draft, "project_id": outside["id"], "amount_minor": 1_000}
        problem(
            await api.post("/allocations", library, "finance_officer"),
            422,
            "not_in_project_library",
        )
        # 34
        big = {**lottery_draft, "project_id": relief["id"], "amount_minor": 150_000_000}
        problem(
            await api.post("/allocations", big, "finance_officer"), 409, "insufficient_fund_balance"
        )
        # 35
        self_approval = await api.post(
            f"/allocations/{own['id']}/approvals", {"stage": "SECTION_REVIEW"}, "approver"
        )
        problem(self_approval, 403, "four_eyes")
        # 36
        for day in ("2024-04-28", "2024-06-05"):
            body = {
                "project_id": mothers["id"],
                "provider_person_id": "00000000-0000-4000-8000-0000000000b1",
                "held_on": day,
                "child_beneficiary_ids": [child["id"]],
                "minutes": 90,
            }
            problem(
                await api.post("/child-care-sessions", body, "caseworker"), 422, "not_a_weekend"
            )
        # 37
        body = {**body, "held_on": "2024-06-01", "child_beneficiary_ids": [stranger["id"]]}
        problem(await api.post("/child-care-sessions", body, "caseworker"), 422, "not_enrolled")
        # 39
        reused = await api.post(
            "/funds",
            {**fund_body, "code": code("F")},
            "finance_officer",
            **{"Idempotency-Key": key},
        )
        problem(reused, 422, "idempotency_key_reused")
        replay = await api.post("/funds", fund_body, "finance_officer", **{"Idempotency-Key": key})
        assert replay.json() == first_fund.json()


async def test_control_characters_in_text_are_422_never_500(api: Api) -> None:
    fund = await api.fund("DONATION", credit=1_000)
    async with api.emits_nothing():
        for name in ("春节\x00慰问", "慰问\x1b[31m", "\x07"):
            body = {
                "code": code("PRJ"),
                "name": name,
                "kind": "RELIEF_GOODS",
                "purpose": "RELIEVE_POVERTY",
            }
            problem(await api.post("/projects", body, "finance_officer"), 422, "invalid_input")
        credit = {"amount_minor": 1, "credited_at": "2024-01-15T02:00:00Z", "reference": "Z\x00"}
        problem(
            await api.post(f"/funds/{fund['id']}/credits", credit, "finance_officer"),
            422,
            "invalid_input",
        )
    # Line breaks and tabs are text: kept as sent.
    made = await api.ok(
        "/projects",
        {
            "code": code("PRJ"),
            "name": "春节\t慰问\n第二行",
            "kind": "RELIEF_GOODS",
            "purpose": "RELIEVE_POVERTY",
        },
        "finance_officer",
    )
    assert made["name"] == "春节\t慰问\n第二行"
