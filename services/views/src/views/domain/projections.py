"""The projections of views: which topics feed which read-model tables (DOMAIN §10.1).

A projection is the unit of storage and of rebuild: the ``p_*`` tables built from one producer's
topics. Each table belongs to exactly one projection and each topic feeds exactly one, so a
projection can be rebuilt from its own topics alone while the others keep running.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.events import topics as t


@dataclass(frozen=True)
class Projection:
    """A named group of tables and the topics they are built from."""

    name: str
    title: str
    topics: tuple[str, ...]
    tables: tuple[str, ...]


INSPECTION = Projection(
    name="inspection",
    title="安全生产（检查、隐患、演练、宣讲、工作提示、调研）",
    topics=(
        t.INSPECTION_CAMPAIGNS,
        t.INSPECTION_LEADERS,
        t.INSPECTION_INSPECTIONS,
        t.INSPECTION_HAZARDS,
        t.INSPECTION_DRILLS,
        t.INSPECTION_SAFETY_TALKS,
        t.INSPECTION_WORK_NOTICES,
        t.INSPECTION_SAFETY_MEETINGS,
        t.INSPECTION_SURVEYS,
        t.INSPECTION_PROBLEMS,
    ),
    tables=(
        "p_campaigns",
        "p_cadence_requirements",
        "p_cadence_breaches",
        "p_inspections",
        "p_inspection_people",
        "p_hazards",
        "p_drills",
        "p_safety_talks",
        "p_work_notices",
        "p_work_notice_targets",
        "p_safety_meetings",
        "p_surveys",
        "p_problems",
    ),
)

ELDERCARE = Projection(
    name="eldercare",
    title="养老服务（机构、老年人、适老化改造、助餐、黄手环、银龄行动）",
    topics=(
        t.ELDERCARE_INSTITUTIONS,
        t.ELDERCARE_ELDERS,
        t.ELDERCARE_HOME_MODIFICATIONS,
        t.ELDERCARE_MEAL_POINTS,
        t.ELDERCARE_MEALS,
        t.ELDERCARE_WRISTBANDS,
        t.ELDERCARE_MISSING_CASES,
        t.ELDERCARE_VOLUNTEER_CORPS,
        t.ELDERCARE_VOLUNTEERS,
        t.ELDERCARE_VOLUNTEER_SERVICES,
    ),
    tables=(
        "p_sites",
        "p_elders",
        "p_home_modifications",
        "p_meal_points",
        "p_meals",
        "p_wristbands",
        "p_missing_cases",
        "p_volunteer_corps",
        "p_volunteer_branches",
        "p_volunteers",
        "p_volunteer_services",
    ),
)

CHARITY = Projection(
    name="charity",
    title="慈善与福彩公益金（资金、项目、受助对象、下达、发放、对账、儿童关爱）",
    topics=(
        t.CHARITY_FUNDS,
        t.CHARITY_DONATIONS,
        t.CHARITY_PROJECTS,
        t.CHARITY_BENEFICIARIES,
        t.CHARITY_ALLOCATIONS,
        t.CHARITY_DISBURSEMENTS,
        t.CHARITY_RECONCILIATIONS,
        t.CHARITY_CHILD_CARE_SESSIONS,
    ),
    tables=(
        "p_funds",
        "p_fund_credits",
        "p_donations",
        "p_projects",
        "p_beneficiaries",
        "p_beneficiary_enrolments",
        "p_allocations",
        "p_disbursements",
        "p_reconciliations",
        "p_child_care_sessions",
    ),
)

NOTIFY = Projection(
    name="notify",
    title="通知送达台账",
    topics=(t.NOTIFY_NOTIFICATIONS,),
    tables=("p_notifications",),
)

PROJECTIONS: tuple[Projection, ...] = (INSPECTION, ELDERCARE, CHARITY, NOTIFY)
BY_NAME: dict[str, Projection] = {p.name: p for p in PROJECTIONS}
BY_TOPIC: dict[str, Projection] = {topic: p for p in PROJECTIONS for topic in p.topics}


def projection_named(name: str) -> Projection:
    """The projection of that name; KeyError names the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise KeyError(f"unknown projection {name!r} (known: {known})") from None
