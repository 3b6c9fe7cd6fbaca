"""Sweepers on a simulated clock: each reminder, overdue, escalation and breach fires once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from inspection.config import Settings
from inspection.entrypoints.app import definition
from inspection.entrypoints.scheduler import sweep_if_due
from shared.clock import SimulatedClock
from shared.testing import Harness, start_service
from shared.testing.harness import wait_until
from tests.integration.support import (
    RESPONSIBLE,
    at,
    campaign,
    data,
    hazard,
    local,
    person,
    plan,
    post,
    published,
    rejected,
    site,
)

HAZARDS = "inspection.hazards"
LEADERS = "inspection.leaders"


@pytest.fixture(scope="module")
def sim() -> SimulatedClock:
    return SimulatedClock(local(2024, 10, 16))


@pytest.fixture(scope="module")
async def fresh(
    pg_admin_dsn: str, kafka_bootstrap: str, sim: SimulatedClock
) -> AsyncIterator[Harness]:
    """A service of its own: sweeps act on every hazard and leader in the schema."""
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=sim,
        sweeper_enabled=False,
    ) as harness:
        yield harness


async def sweep(svc: Harness, name: str = "all") -> dict[str, int]:
    response = await svc.client.post(f"/_admin/sweeps/{name}", headers=svc.auth("admin"))
    assert response.status_code == 200, response.text
    emitted: dict[str, int] = response.json()["emitted"]
    return emitted


async def days(svc: Harness, sim: SimulatedClock, start: date, end: date) -> None:
    """Run the daily sweep at 00:05 of every day from start to end."""
    day = start
    while day <= end:
        sim.set(local(day.year, day.month, day.day, 0, 5))
        await sweep(svc)
        day += timedelta(days=1)


async def test_the_demo_year_hazards_raise_three_reminders_two_overdues_one_escalation(
    fresh: Harness, sim: SimulatedClock
):
    # DOMAIN §11.3: the hazards still open at 2024-11-30 and what the sweepers make of them.
    at(sim, date(2024, 10, 16), hour=18)
    site_id = await site(fresh)
    h3 = await hazard(fresh, site_id=site_id, level="MAJOR", found="2024-10-16")
    await post(fresh, f"/hazards/{h3['id']}/assign", plan("2024-11-29", "MAJOR"))
    await days(fresh, sim, date(2024, 10, 17), date(2024, 10, 30))
    at(sim, date(2024, 10, 30), hour=18)
    h1 = await hazard(fresh, site_id=site_id, found="2024-10-30")
    await post(fresh, f"/hazards/{h1['id']}/assign", plan("2024-11-15"))
    await days(fresh, sim, date(2024, 10, 31), date(2024, 11, 6))
    at(sim, date(2024, 11, 6), hour=18)
    h2 = await hazard(fresh, site_id=site_id, found="2024-11-06")
    await post(fresh, f"/hazards/{h2['id']}/assign", plan("2024-11-26"))
    await days(fresh, sim, date(2024, 11, 7), date(2024, 11, 13))
    at(sim, date(2024, 11, 13), hour=18)
    h4 = await hazard(fresh, site_id=site_id, found="2024-11-13")
    await post(fresh, f"/hazards/{h4['id']}/assign", plan("2024-11-30"))
    await days(fresh, sim, date(2024, 11, 14), date(2024, 11, 20))
    at(sim, date(2024, 11, 20), hour=18)
    await post(
        fresh,
        f"/hazards/{h3['id']}/extend",
        {"new_deadline_on": "2024-12-20", "reason": "设备到货延迟"},
    )
    h5 = await hazard(fresh, site_id=site_id, found="2024-11-20")
    await post(fresh, f"/hazards/{h5['id']}/assign", plan("2024-11-28"))
    await days(fresh, sim, date(2024, 11, 21), date(2024, 11, 24))
    at(sim, date(2024, 11, 24), hour=18)
    await post(fresh, f"/hazards/{h5['id']}/submit", {"evidence_ids": ["e1"]}, "institution_staff")
    await days(fresh, sim, date(2024, 11, 25), date(2024, 11, 30))
    # Running the sweepers again, the same day and the next, adds nothing.
    assert await sweep(fresh) == {"approaching": 0, "hazard-deadlines": 0, "cadence": 0}

    events = await published(fresh, HAZARDS)
    kinds = Counter(
        e["type"]
        for e in events
        if e["type"].split(".")[2] in ("deadline_approaching", "overdue", "escalated")
    )
    assert kinds == {
        "inspection.hazard.deadline_approaching.v1": 3,
        "inspection.hazard.overdue.v1": 2,
        "inspection.hazard.escalated.v1": 1,
    }
    by = {h["id"]: name for name, h in {"#1": h1, "#2": h2, "#3": h3, "#4": h4, "#5": h5}.items()}
    fired = sorted(
        (by[e["subject"]], e["type"].split(".")[2], e["time"][:10])
        for e in events
        if e["type"].split(".")[2] in ("deadline_approaching", "overdue", "escalated")
    )
    # Times are UTC: the 00:05 local sweep is 16:05Z the day before.
    assert fired == [
        ("#1", "deadline_approaching", "2024-11-11"),
        ("#1", "escalated", "2024-11-22"),
        ("#1", "overdue", "2024-11-15"),
        ("#2", "deadline_approaching", "2024-11-22"),
        ("#2", "overdue", "2024-11-26"),
        ("#4", "deadline_approaching", "2024-11-26"),
    ]
    [escalated] = data([e for e in events if e["subject"] == h1["id"]], "hazard.escalated")
    assert (
        escalated | {"days_overdue": 8, "escalation_level": 2, "deadline_on": "2024-11-15"}
        == escalated
    )
    [reminder] = data(
        [e for e in events if e["subject"] == h4["id"]], "hazard.deadline_approaching"
    )
    assert (reminder["days_left"], reminder["responsible_person_id"]) == (3, RESPONSIBLE)
    ledger = await fresh.client.get("/hazards?overdue=true", headers=fresh.auth("auditor"))
    assert sorted(h["id"] for h in ledger.json()) == sorted([h1["id"], h2["id"]])
    open_ = await fresh.client.get("/hazards?open=true&limit=500", headers=fresh.auth("auditor"))
    assert len(open_.json()) == 5


async def test_a_rectification_rejected_after_its_deadline_becomes_overdue(
    fresh: Harness, sim: SimulatedClock
):
    at(sim, date(2024, 12, 2), hour=12)
    h = await hazard(fresh, found="2024-12-02")
    await post(fresh, f"/hazards/{h['id']}/assign", plan("2024-12-06"))
    at(sim, date(2024, 12, 5), hour=9)
    await post(fresh, f"/hazards/{h['id']}/submit", {"evidence_ids": ["e1"]})
    await days(fresh, sim, date(2024, 12, 6), date(2024, 12, 9))
    assert data(await published(fresh, HAZARDS, subject=h["id"]), "hazard.overdue") == []
    at(sim, date(2024, 12, 9), hour=9)
    await post(
        fresh,
        f"/hazards/{h['id']}/verify",
        {"result": "FAIL", "verifier_id": person("safety_lead")},
        "safety_lead",
    )
    await days(fresh, sim, date(2024, 12, 10), date(2024, 12, 11))
    assert len(data(await published(fresh, HAZARDS, subject=h["id"]), "hazard.overdue")) == 1


async def test_each_member_breaches_once_per_period_without_a_qualifying_inspection(
    fresh: Harness, sim: SimulatedClock
):
    ids = {name: person(key) for name, key in (("L1", "main_leader"), ("S1", "safety_lead"))}
    ids["L3"] = "1e000000-0000-4000-8000-000000000003"
    roles = {"L1": ["MAIN_LEADER"], "S1": ["TEAM_MEMBER", "SAFETY_LEAD"], "L3": ["TEAM_MEMBER"]}
    at(sim, date(2024, 9, 1), hour=9)
    for name, person_id in ids.items():
        body = {"roles": roles[name], "effective_from": "2024-07-01"}
        assert (
            await fresh.client.put(f"/leaders/{person_id}", json=body, headers=fresh.auth("admin"))
        ).status_code == 200
    site_id, campaign_id = await site(fresh), await campaign(fresh, start_on="2024-07-01")
    weeks = [date(2024, 7, 3) + timedelta(weeks=n) for n in range(9)]  # Wednesdays of W27..W35
    for day in (w for w in weeks if w.isocalendar().week != 32):  # W32 skipped (flood duty)
        await inspect(fresh, site_id, campaign_id, day, "ROUTINE_WEEKLY", ids["S1"], [])
    for day in (date(2024, 7, 18), date(2024, 8, 15)):  # 3rd Thursdays: L1 with S1, not L3
        await inspect(
            fresh, site_id, campaign_id, day, "LEADERSHIP_MONTHLY", ids["L1"], [ids["S1"]]
        )
    at(sim, date(2024, 8, 19), hour=0)
    sim.set(local(2024, 8, 19, 0, 5))
    assert (await sweep(fresh, "cadence"))["cadence"] == 2  # S1 W32, L3 2024-07
    assert (await sweep(fresh, "cadence"))["cadence"] == 0
    sim.set(local(2024, 9, 2, 0, 5))
    assert (await sweep(fresh, "cadence"))["cadence"] == 1  # L3 2024-08; S1's W35 was inspected
    events = await published(fresh, LEADERS)
    breaches = sorted(
        (e["subject"], e["data"]["period_kind"], e["data"]["period_key"])
        for e in events
        if e["type"] == "inspection.leader.cadence_breached.v1"
    )
    assert breaches == sorted(
        [
            (ids["S1"], "WEEKLY", "2024-W32"),
            (ids["L3"], "MONTHLY", "2024-07"),
            (ids["L3"], "MONTHLY", "2024-08"),
        ]
    )
    w32 = next(e["data"] for e in events if e["data"].get("period_key") == "2024-W32")
    assert (w32["period_start_on"], w32["period_end_on"]) == ("2024-08-05", "2024-08-11")
    listed = await fresh.client.get("/leaders/cadence-breaches", headers=fresh.auth("auditor"))
    assert len(listed.json()) == 3


async def inspect(svc, site_id, campaign_id, day, type_, lead, participants):
    body = {
        "site_id": site_id,
        "type": type_,
        "campaign_id": campaign_id,
        "lead_person_id": lead,
        "participant_ids": participants,
        "planned_on": day.isoformat(),
    }
    made = await post(svc, "/inspections", body)
    done = {"completed_at": f"{day.isoformat()}T09:30:00+08:00"}
    await post(svc, f"/inspections/{made['id']}/complete", done)


async def test_the_daily_sweep_runs_once_a_day_after_five_past_midnight(
    fresh: Harness, sim: SimulatedClock
):
    runtime = fresh.app.state.runtime
    settings = Settings(**fresh.settings.model_dump())
    sim.set(local(2025, 1, 6, 0, 4))
    assert await sweep_if_due(runtime, settings) is None
    sim.set(local(2025, 1, 6, 0, 6))
    assert await sweep_if_due(runtime, settings) is not None
    assert await sweep_if_due(runtime, settings) is None
    sim.set(local(2025, 1, 7, 0, 6))
    assert await sweep_if_due(runtime, settings) is not None


async def test_sweeps_are_for_the_admin_only(fresh: Harness):
    await rejected(
        fresh,
        lambda: fresh.client.post("/_admin/sweeps/all", headers=fresh.auth("safety_lead")),
        403,
        "forbidden_role",
    )
    unknown = await fresh.client.post("/_admin/sweeps/everything", headers=fresh.auth("admin"))
    assert unknown.status_code == 422


async def test_the_background_task_sweeps_on_the_service_clock(
    pg_admin_dsn: str, kafka_bootstrap: str
):
    clock = SimulatedClock(local(2024, 11, 16, 0, 1))
    async with start_service(
        definition,
        Settings,
        pg_admin_dsn=pg_admin_dsn,
        kafka_bootstrap=kafka_bootstrap,
        clock=clock,
        sweeper_enabled=True,
        sweeper_poll_s=0.05,
    ) as svc:
        await asyncio.sleep(0.3)
        assert await svc.pool.fetchval("SELECT count(*) FROM sweep_runs") == 0  # before 00:05
        clock.set(local(2024, 11, 16, 0, 5))

        async def swept() -> bool:
            day = await svc.pool.fetchval("SELECT max(run_on) FROM sweep_runs WHERE name = 'daily'")
            return bool(day == date(2024, 11, 16))

        await wait_until(swept, timeout=10)
