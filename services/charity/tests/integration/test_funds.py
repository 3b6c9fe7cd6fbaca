"""Funds, their ledger, projects and donations, end to end on real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import json

from shared.testing import Harness
from tests.integration.helpers import Api, code, problem
from tests.support import id_card


async def test_opening_a_lottery_fund_announces_it_with_its_year(api: Api) -> None:
    fund = await api.fund("LOTTERY_WELFARE", 2031)
    assert fund["aggregate_version"] == 1
    assert fund["available_minor"] == 0
    [event] = await api.events("charity.funds", fund["id"])
    assert event["type"] == "charity.fund.opened.v1"
    assert event["data"] == {
        "fund_id": fund["id"],
        "code": fund["code"],
        "source_type": "LOTTERY_WELFARE",
        "fiscal_year": 2031,
    }
    assert event["actor"]
    assert event["aggregateversion"] == 1


async def test_fund_refusals_change_nothing(api: Api) -> None:
    existing = await api.fund("LOTTERY_WELFARE", 2032)
    async with api.emits_nothing():
        body: dict[str, object] = {"code": code("F"), "source_type": "LOTTERY_WELFARE"}
        problem(await api.post("/funds", body, "finance_officer"), 422, "fiscal_year_required")
        body = {"code": existing["code"], "source_type": "DONATION"}
        problem(await api.post("/funds", body, "finance_officer"), 409, "duplicate_code")
        body = {
            "code": code("F"),
            "source_type": "LOTTERY_WELFARE",
            "fiscal_year": 2032,
        }
        problem(await api.post("/funds", body, "finance_officer"), 409, "duplicate_fund")
        problem(
            await api.post("/funds", {"code": "X", "source_type": "GOLD"}, "finance_officer"),
            422,
            "invalid_input",
        )


async def test_credits_are_ledger_entries_and_a_reference_is_booked_once(
    api: Api, svc: Harness
) -> None:
    fund = await api.fund("LOTTERY_WELFARE", 2033)
    body = {
        "amount_minor": 340_000_000,
        "credited_at": "2024-03-01T02:00:00Z",
        "reference": code("CZ"),
    }
    credited = await api.ok(f"/funds/{fund['id']}/credits", body, "finance_officer")
    assert credited["credited_minor"] == credited["available_minor"] == 340_000_000
    assert credited["aggregate_version"] == 2
    events = await api.events("charity.funds", fund["id"])
    assert [e["type"] for e in events] == ["charity.fund.opened.v1", "charity.fund.credited.v1"]
    assert events[1]["data"]["amount_minor"] == 340_000_000
    assert events[1]["data"]["currency"] == "CNY"
    async with api.emits_nothing():
        again = await api.post(f"/funds/{fund['id']}/credits", body, "finance_officer")
        problem(again, 409, "duplicate_reference")
    ledger = (await api.get(f"/funds/{fund['id']}/ledger")).json()
    assert [(e["kind"], e["amount_minor"]) for e in ledger] == [("FUND_CREDIT", 340_000_000)]


async def test_a_credit_amount_must_be_a_positive_integer_of_fen(api: Api, svc: Harness) -> None:
    fund = await api.fund()
    async with api.emits_nothing():
        for amount in ("100.5", '"100"', "1e3", "0", "-100", "true"):
            raw = (
                f'{{"amount_minor": {amount}, "credited_at": "2024-03-01T02:00:00Z", '
                '"reference": "R1"}'
            )
            response = await svc.client.post(
                f"/funds/{fund['id']}/credits",
                content=raw,
                headers={**svc.auth("finance_officer"), "content-type": "application/json"},
            )
            problem(response, 422, "invalid_amount")


async def test_credit_rules_and_roles(api: Api, svc: Harness) -> None:
    fund = await api.fund()
    future = {"amount_minor": 5, "credited_at": "2024-12-01T00:00:00Z", "reference": code("R")}
    async with api.emits_nothing():
        problem(
            await api.post(f"/funds/{fund['id']}/credits", future, "finance_officer"),
            422,
            "in_future",
        )
        unknown = "/funds/00000000-0000-4000-8000-000000000000/credits"
        body = {**future, "credited_at": "2024-01-01T00:00:00Z"}
        problem(await api.post(unknown, body, "finance_officer"), 404, "not_found")
        problem(
            await api.post(f"/funds/{fund['id']}/credits", body, "caseworker"),
            403,
            "forbidden_role",
        )
        anonymous = await svc.client.post(f"/funds/{fund['id']}/credits", json=body)
        problem(anonymous, 401, "unauthenticated")


async def test_idempotency_key_replays_the_stored_response_and_refuses_a_different_body(
    api: Api,
) -> None:
    key = code("idem")
    body = {"code": code("F"), "source_type": "DONATION"}
    first = await api.post("/funds", body, "finance_officer", **{"Idempotency-Key": key})
    assert first.status_code == 201
    async with api.emits_nothing():
        replay = await api.post("/funds", body, "finance_officer", **{"Idempotency-Key": key})
        assert replay.status_code == 201
        assert replay.json() == first.json()
        assert replay.headers["Idempotent-Replayed"] == "true"
        other = {**body, "code": code("F")}
        reused = await api.post("/funds", other, "finance_officer", **{"Idempotency-Key": key})
        problem(reused, 422, "idempotency_key_reused")


async def test_concurrent_requests_with_one_key_open_one_fund_and_answer_alike(
    api: Api, svc: Harness
) -> None:
    # No lock on the key: the losers fail on it (or on the fund's code) and replay the winner.
    key = code("race")
    body = {"code": code("F"), "source_type": "DONATION"}
    answers = await asyncio.gather(
        *(api.post("/funds", body, "finance_officer", **{"Idempotency-Key": key}) for _ in range(6))
    )
    assert {a.status_code for a in answers} == {201}
    assert all(a.json() == answers[0].json() for a in answers)
    async with svc.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM funds WHERE code = $1", body["code"]) == 1


async def test_projects_of_the_brand_are_announced(api: Api) -> None:
    body = {
        "code": code("PRJ"),
        "name": "周末妈妈",
        "brand": "益行益善·益老益小",
        "kind": "WEEKEND_MOTHERS",
        "purpose": "RESCUE_ORPHANS",
        "in_project_library": True,
    }
    project = await api.ok("/projects", body, "caseworker")
    [event] = await api.events("charity.projects", project["id"])
    assert event["data"]["brand"] == "益行益善·益老益小"
    assert event["data"]["kind"] == "WEEKEND_MOTHERS"
    async with api.emits_nothing():
        problem(
            await api.post(
                "/projects", {**body, "code": code("P"), "brand": "别的品牌"}, "caseworker"
            ),
            422,
            "unknown_brand",
        )
        problem(
            await api.post("/projects", {**body, "code": project["code"]}, "caseworker"),
            409,
            "duplicate_code",
        )
        pii = {**body, "code": code("P"), "name": "联系人13912345678"}
        problem(await api.post("/projects", pii, "caseworker"), 422, "pii_in_free_text")


async def test_donations_credit_the_fund_and_never_publish_the_donor(api: Api) -> None:
    fund = await api.fund("DONATION")
    project = await api.project()
    person = {
        "receipt_no": code("PJ"),
        "fund_id": fund["id"],
        "donor_type": "INDIVIDUAL",
        "donor": {"name": "李四", "id_card_no": id_card(), "phone": "13912345678"},
        "kind": "CASH",
        "amount_minor": 100_000,
        "received_at": "2024-02-01T02:00:00Z",
    }
    first = await api.ok("/donations", person, "finance_officer")
    second = await api.ok("/donations", {**person, "receipt_no": code("PJ")}, "finance_officer")
    assert first["donor_id"] == second["donor_id"]  # the same ID card is the same donor
    organisation = {
        "receipt_no": code("PJ"),
        "fund_id": fund["id"],
        "donor_type": "ORGANISATION",
        "donor_display_name": "益阳某爱心企业",
        "kind": "IN_KIND",
        "amount_minor": 50_000,
        "items": [{"name": "大米", "quantity": 10, "unit_value_minor": 5_000}],
        "designated_project_id": project["id"],
        "received_at": "2024-02-01T02:00:00Z",
    }
    goods = await api.ok("/donations", organisation, "finance_officer")
    hidden = await api.ok(
        "/donations",
        {**organisation, "receipt_no": code("PJ"), "anonymous": True},
        "finance_officer",
    )
    [person_event] = await api.events("charity.donations", first["id"])
    assert person_event["data"].get("donor_display_name") is None
    assert "donor_id" not in person_event["data"]
    [org_event] = await api.events("charity.donations", goods["id"])
    assert org_event["data"]["donor_display_name"] == "益阳某爱心企业"
    assert org_event["data"]["designated_project_id"] == project["id"]
    [hidden_event] = await api.events("charity.donations", hidden["id"])
    assert hidden_event["data"].get("donor_display_name") is None
    balance = (await api.get(f"/funds/{fund['id']}")).json()
    assert balance["donated_minor"] == 300_000
    assert balance["designated_minor"] == {project["id"]: 100_000}
    assert balance["undesignated_minor"] == 200_000
    text = json.dumps(await api.events("charity.donations", first["id"]), ensure_ascii=False)
    assert "李四" not in text


async def test_donation_refusals_change_nothing(api: Api) -> None:
    fund = await api.fund("DONATION")
    lottery = await api.fund("LOTTERY_WELFARE", 2034)
    base = {
        "receipt_no": code("PJ"),
        "fund_id": fund["id"],
        "donor_type": "ORGANISATION",
        "kind": "CASH",
        "amount_minor": 1_000,
        "received_at": "2024-02-01T02:00:00Z",
    }
    await api.ok("/donations", base, "finance_officer")
    async with api.emits_nothing():
        problem(await api.post("/donations", base, "finance_officer"), 409, "duplicate_receipt")
        fresh = {**base, "receipt_no": code("PJ")}
        problem(
            await api.post("/donations", {**fresh, "kind": "IN_KIND"}, "finance_officer"),
            422,
            "in_kind_incomplete",
        )
        problem(
            await api.post("/donations", {**fresh, "amount_minor": 0}, "finance_officer"),
            422,
            "invalid_amount",
        )
        unknown = {**fresh, "designated_project_id": "00000000-0000-4000-8000-000000000001"}
        problem(await api.post("/donations", unknown, "finance_officer"), 422, "unknown_reference")
        problem(
            await api.post("/donations", {**fresh, "fund_id": lottery["id"]}, "finance_officer"),
            422,
            "not_a_donation_fund",
        )
        mismatch = {
            **fresh,
            "kind": "IN_KIND",
            "items": [{"name": "棉被", "quantity": 3, "unit_value_minor": 100}],
        }
        problem(
            await api.post("/donations", mismatch, "finance_officer"), 422, "valuation_mismatch"
        )
        bad_card = {
            **fresh,
            "donor_type": "INDIVIDUAL",
            "donor": {"id_card_no": "430902201205170000"},
        }
        response = await api.post("/donations", bad_card, "finance_officer")
        problem(response, 422, "invalid_id_card")
        assert "430902201205170000" not in response.text


async def test_the_ledger_balances(api: Api) -> None:
    check = (await api.get("/ledger/check")).json()
    assert check["balanced"], check
