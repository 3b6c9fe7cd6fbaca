"""The views on the demo year give §11.5's figures, and the cross-view checks of §10.11 hold."""

from datetime import date

from tests.demo import ELDERS_B, SITES
from views.adapters import queries_funds, queries_views

Y0, AS_OF = date(2024, 1, 1), date(2024, 11, 30)
Q = {"as_of": "2024-11-30"}


async def _get(svc, path, role="views_reader", **params):
    r = await svc.client.get(path, params=params or Q, headers=svc.auth(role))
    assert r.status_code == 200, r.text
    return r.json()


async def test_institution_360_sums_over_active_sites_match_the_demo(svc):
    doc = await _get(svc, "/views/institutions")
    items = doc["items"]
    assert doc["count"] == 43
    sums = {
        k: sum(i[k] for i in items)
        for k in (
            "inspections_ytd",
            "drills_ytd",
            "hazards_found_ytd",
            "hazards_open",
            "hazards_overdue",
            "major_hazards_open",
            "notices_unacked",
            "residents",
            "meals_served_ytd",
            "volunteer_services_ytd",
            "volunteer_minutes_ytd",
            "funds_received_minor",
            "funds_pending_minor",
        )
    }
    assert sums == {
        "inspections_ytd": 74,
        "drills_ytd": 172,
        "hazards_found_ytd": 96,
        "hazards_open": 7,
        "hazards_overdue": 2,
        "major_hazards_open": 1,
        "notices_unacked": 3,
        "residents": 460,
        "meals_served_ytd": 2000,
        "volunteer_services_ytd": 350,
        "volunteer_minutes_ytd": 42000,
        "funds_received_minor": 100_000_000,
        "funds_pending_minor": 0,
    }
    assert all(i["drills_ytd"] == 4 for i in items)
    assert items[0]["hazards_overdue"] == 1
    assert items[0]["at_risk"]
    closed = await _get(svc, f"/views/institutions/{SITES[43]}")
    assert closed["status"] == "CLOSED"
    assert closed["inspections_ytd"] == closed["residents"] == closed["funds_received_minor"] == 0


async def test_elder_360_sums_over_all_elders_match_the_demo_and_the_report(svc):
    async with svc.pool.acquire() as conn:
        rows = await queries_views.elders(conn, Y0, AS_OF)
    assert sum(r["meals_ytd"] for r in rows) == 10400
    assert (
        sum(1 for r in rows if r["home_mod_accepted_on"] and r["home_mod_accepted_on"].year == 2024)
        == 2637
    )
    assert sum(r["wristband_active"] for r in rows) == 294
    assert (sum(r["missing_cases"] for r in rows), sum(r["missing_open"] for r in rows)) == (3, 0)
    assert sum(r["volunteer_visits_ytd"] for r in rows) == 700
    assert sum(r["charity_received_minor"] for r in rows) == 300_000_000


async def test_elder_360_is_role_checked_audited_and_withholds_health_facts(svc):
    elder = ELDERS_B[0]
    denied = await svc.client.get(f"/views/elders/{elder}", headers=svc.auth("views_reader"))
    assert denied.status_code == 403
    full = await _get(svc, f"/views/elders/{elder}", role="caseworker", purpose="入户走访")
    assert full["institution_id"]
    assert full["charity_received_minor"] == 300_000
    assert full["wristband_active"] is not None
    assert full["withheld"] == []
    assert "…" in full["elder_ref"]
    assert "name" not in full
    partial = await _get(svc, f"/views/elders/{elder}", role="auditor")
    assert partial["wristband_active"] is None
    assert "wristband_active" in partial["withheld"]
    reads = (await _get(svc, f"/views/elders/{elder}/reads", role="auditor"))["reads"]
    assert [(r["actor_role"], r["purpose"]) for r in reads][-2:] == [
        ("caseworker", "入户走访"),
        ("auditor", "个案服务"),
    ]


async def test_hazard_ledger_lists_the_seven_open_hazards_overdue_first(svc):
    doc = await _get(svc, "/views/hazards")
    items = doc["items"]
    assert len(items) == 7
    assert [i["overdue"] for i in items] == [1, 1, 0, 0, 0, 0, 0]
    assert items[0]["escalation_level"] == 2
    assert sum(i["level"] == "MAJOR" for i in items) == 1
    everything = await _get(svc, "/views/hazards", open="false", as_of="2024-11-30")
    assert everything["count"] == 96


async def test_cadence_view_equals_the_recorded_breaches(svc):
    doc = await _get(svc, "/views/cadence", year=2024, as_of="2024-11-30")
    assert [(b["cadence"], b["period_key"]) for b in doc["breaches"]] == [("WEEKLY", "2024-W32")]
    assert doc["consistent"] is True


async def test_work_notice_tracker_shows_the_three_missing_acknowledgements(svc):
    doc = await _get(svc, "/views/work-notices", year=2024, as_of="2024-11-30")
    assert [(i["targets"], i["acked"]) for i in doc["items"]] == [(43, 43)] * 4 + [(43, 40)]
    assert len(doc["items"][-1]["unacked_sites"]) == 3


async def test_lottery_fund_announcement_for_2024(svc):
    doc = await _get(svc, "/reports/lottery-fund", year=2024, as_of="2024-11-30")
    assert doc["totals"] == {
        "credited_minor": 340_000_000,
        "allocated_minor": 195_000_000,
        "disbursed_minor": 190_000_000,
    }
    lines = [
        (
            ln["purpose_label"],
            ln["allocated_minor"],
            ln["disbursed_minor"],
            ln["beneficiaries_paid"],
        )
        for ln in doc["lines"]
    ]
    assert lines == [("济困", 95_000_000, 90_000_000, 450), ("扶老", 100_000_000, 100_000_000, 20)]
    assert doc["text"].startswith("益阳市民政局2024年度福彩公益金使用情况公告\n截至2024年11月30日")


async def test_cross_view_consistency_checks_hold(svc):
    report = await _get(svc, "/reports/ytd", year=2024, as_of="2024-11-30")
    metrics = {m["key"]: m for s in report["sections"] for m in s["metrics"]}
    sites = (await _get(svc, "/views/institutions"))["items"]
    ledger = (await _get(svc, "/views/hazards"))["items"]
    assert sum(s["inspections_ytd"] for s in sites) == metrics["inspections"]["value"]
    assert sum(s["drills_ytd"] for s in sites) == metrics["drills"]["value"]
    assert sum(s["hazards_open"] for s in sites) == len(ledger) == report["extras"]["hazards_open"]
    async with svc.pool.acquire() as conn:
        residents = await conn.fetchval(
            "SELECT count(*) FROM p_elders WHERE institution_id IS NOT NULL AND status = 'ACTIVE'"
        )
        elders = await queries_views.elders(conn, Y0, AS_OF)
        breaches = await queries_funds.ledger_breaches(conn)
        health = await queries_funds.notification_health(conn)
    assert sum(s["residents"] for s in sites) == residents
    assert sum(e["meals_ytd"] for e in elders) == report["extras"]["meals_served_ytd"]
    assert breaches == {"allocations": [], "funds": []}
    assert (
        health["totals"]["sent"],
        health["totals"]["with_failed_attempt"],
        health["totals"]["acknowledged"],
    ) == (482, 4, 3)


async def test_dashboard_data_carries_the_report_and_every_chart(svc):
    doc = await _get(svc, "/dashboard/data", year=2024, as_of="2024-11-30")
    assert doc["report"]["text"].startswith("今年先后召开5次")
    assert sum(s["overdue"] for s in doc["hazards_by_site"]) == 2
    assert sum(m["meals"] for m in doc["by_month"]) == 10400
    assert sum(m["home_modifications"] for m in doc["by_month"]) == 2637
    assert {c["code"] for c in doc["hazards_by_campaign"]} == {
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
        "C7",
    }
    assert len(doc["funds_by_project"]) == 9
