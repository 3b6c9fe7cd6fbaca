"""Use cases against in-memory fakes: given commands, then state and published events."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from inspection.domain import commands as cmds
from inspection.domain.errors import ConflictError, InvalidInputError
from inspection.domain.hazards import Plan
from inspection.domain.policy import Policy
from inspection.domain.sites import Site
from inspection.service_layer import sweeps
from inspection.service_layer.handlers import campaigns, hazards, inspections
from inspection.service_layer.ports import Context
from tests.unit.fakes import FakeUnitOfWork

S1, L1 = uuid.uuid4(), uuid.uuid4()


def ctx(
    day: date, hour: int = 2, actor: uuid.UUID | None = None, role: str = "inspector"
) -> Context:
    return Context(
        now=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
        actor=actor or uuid.uuid4(),
        role=role,
        policy=Policy(),
    )


@pytest.fixture
async def uow() -> Any:
    fake: Any = FakeUnitOfWork()  # Any: the fake satisfies the UnitOfWork port structurally
    day = ctx(date(2024, 1, 2))
    for person, roles in ((L1, ("MAIN_LEADER",)), (S1, ("TEAM_MEMBER", "SAFETY_LEAD"))):
        await campaigns.assign_leader(cmds.AssignLeader(person, roles, date(2024, 1, 1)), fake, day)
    fake.published.clear()
    return fake


async def test_handing_over_the_safety_lead_publishes_for_both_members(uow):
    newcomer = uuid.uuid4()
    made = await campaigns.assign_leader(
        cmds.AssignLeader(newcomer, ("SAFETY_LEAD",), date(2024, 3, 1)),
        uow,
        ctx(date(2024, 3, 1)),
    )
    assert made.roles == ["SAFETY_LEAD"]
    assert [(type(e).__name__, str(e.aggregate_id), v) for e, v in uow.published] == [
        ("LeaderAssigned", str(newcomer), 1),
        ("LeaderAssigned", str(S1), 2),
    ]
    with pytest.raises(ConflictError):
        await campaigns.remove_leader(cmds.RemoveLeader(L1), uow, ctx(date(2024, 3, 2)))


async def test_a_hazard_found_by_an_inspection_is_counted_and_reworked_once(uow):
    site = uuid.uuid4()
    uow.lookups.sites[site] = Site(site, "ELDERCARE_PUBLIC", "ACTIVE")
    launch = cmds.LaunchCampaign(
        uuid.uuid4(), "C3", "治本攻坚", "ROOT_CAUSE", date(2024, 1, 1), None, "市民政局"
    )
    campaign = await campaigns.launch_campaign(launch, uow, ctx(date(2024, 1, 2)))
    day = ctx(date(2024, 5, 8), actor=S1)
    schedule = cmds.ScheduleInspection(
        uuid.uuid4(), site, "ROUTINE_WEEKLY", campaign.id, S1, (), date(2024, 5, 8), None, None
    )
    inspection = await inspections.schedule_inspection(schedule, uow, day)
    report = cmds.ReportHazard(
        uuid.uuid4(),
        inspection.id,
        None,
        None,
        "消防",
        "GENERAL",
        None,
        "灭火器过期",
        (),
        None,
        None,
    )
    hazard = await hazards.report_hazard(report, uow, day)
    assert uow.inspections.items[inspection.id].hazards_found == 1
    assert (hazard.site_id, hazard.campaign_id, hazard.found_by) == (site, campaign.id, S1)
    responsible = uuid.uuid4()
    plan = Plan(responsible, "更换", None, date(2024, 5, 20), None, None, None, None, None)
    await hazards.assign_rectification(cmds.AssignRectification(hazard.id, plan), uow, day)
    await hazards.submit_rectification(cmds.SubmitRectification(hazard.id, ("e1",), None), uow, day)
    with pytest.raises(InvalidInputError):
        await hazards.verify_rectification(
            cmds.VerifyRectification(hazard.id, False, responsible, None), uow, day
        )
    await hazards.verify_rectification(
        cmds.VerifyRectification(hazard.id, False, L1, None), uow, day
    )
    assert uow.types()[-4:] == [
        "HazardReported",
        "HazardRectificationAssigned",
        "HazardRectificationSubmitted",
        "HazardRectificationRejected",
    ]
    assert [v for e, v in uow.published if e.aggregate_id == str(hazard.id)] == [1, 2, 3, 4]
    # Back in rectification past its deadline: overdue once, escalated once after 7 more days.
    for day_ in (date(2024, 5, 21), date(2024, 5, 22), date(2024, 5, 28), date(2024, 5, 29)):
        await sweeps.escalate_overdue(hazard.id, uow, ctx(day_))
    assert uow.types()[-2:] == ["HazardOverdue", "HazardEscalated"]
    assert uow.hazards.items[hazard.id].escalation_level == 2


async def test_the_cadence_sweep_judges_each_period_once(uow):
    day = ctx(date(2024, 1, 16))
    assert await sweeps.judge_cadence(S1, uow, day) == 2
    assert await sweeps.judge_cadence(S1, uow, day) == 0
    assert await sweeps.judge_cadence(L1, uow, day) == 0
    keys = [e.period_key for e, _ in uow.published]
    assert keys == ["2024-W01", "2024-W02"]
