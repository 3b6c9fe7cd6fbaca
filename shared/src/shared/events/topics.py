"""Every Kafka topic of the platform: one constant per producer aggregate, plus the DLQs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    """A topic as provisioning creates it.

    ``restricted`` topics carry sensitive facts (wristbands imply dementia risk, missing-person
    cases): integrators may not read them. ``retention_ms`` of -1 keeps every event, so any
    projection or integrator can rebuild from the beginning.
    """

    name: str
    producer: str
    restricted: bool = False
    retention_ms: int = -1

    @property
    def is_dlq(self) -> bool:
        """Whether this is a consumer's dead-letter topic."""
        return self.name.endswith(".dlq")


INSPECTION_CAMPAIGNS = "inspection.campaigns"
INSPECTION_LEADERS = "inspection.leaders"
INSPECTION_INSPECTIONS = "inspection.inspections"
INSPECTION_HAZARDS = "inspection.hazards"
INSPECTION_DRILLS = "inspection.drills"
INSPECTION_SAFETY_TALKS = "inspection.safety_talks"
INSPECTION_WORK_NOTICES = "inspection.work_notices"
INSPECTION_SAFETY_MEETINGS = "inspection.safety_meetings"
INSPECTION_SURVEYS = "inspection.surveys"
INSPECTION_PROBLEMS = "inspection.problems"

ELDERCARE_INSTITUTIONS = "eldercare.institutions"
ELDERCARE_ELDERS = "eldercare.elders"
ELDERCARE_HOME_MODIFICATIONS = "eldercare.home_modifications"
ELDERCARE_MEAL_POINTS = "eldercare.meal_points"
ELDERCARE_MEALS = "eldercare.meals"
ELDERCARE_WRISTBANDS = "eldercare.wristbands"
ELDERCARE_MISSING_CASES = "eldercare.missing_cases"
ELDERCARE_VOLUNTEER_CORPS = "eldercare.volunteer_corps"
ELDERCARE_VOLUNTEERS = "eldercare.volunteers"
ELDERCARE_VOLUNTEER_SERVICES = "eldercare.volunteer_services"

CHARITY_FUNDS = "charity.funds"
CHARITY_DONATIONS = "charity.donations"
CHARITY_PROJECTS = "charity.projects"
CHARITY_BENEFICIARIES = "charity.beneficiaries"
CHARITY_ALLOCATIONS = "charity.allocations"
CHARITY_DISBURSEMENTS = "charity.disbursements"
CHARITY_RECONCILIATIONS = "charity.reconciliations"
CHARITY_CHILD_CARE_SESSIONS = "charity.child_care_sessions"

NOTIFY_NOTIFICATIONS = "notify.notifications"

RESTRICTED = frozenset({ELDERCARE_WRISTBANDS, ELDERCARE_MISSING_CASES})

DOMAIN_TOPICS: tuple[str, ...] = (
    INSPECTION_CAMPAIGNS,
    INSPECTION_LEADERS,
    INSPECTION_INSPECTIONS,
    INSPECTION_HAZARDS,
    INSPECTION_DRILLS,
    INSPECTION_SAFETY_TALKS,
    INSPECTION_WORK_NOTICES,
    INSPECTION_SAFETY_MEETINGS,
    INSPECTION_SURVEYS,
    INSPECTION_PROBLEMS,
    ELDERCARE_INSTITUTIONS,
    ELDERCARE_ELDERS,
    ELDERCARE_HOME_MODIFICATIONS,
    ELDERCARE_MEAL_POINTS,
    ELDERCARE_MEALS,
    ELDERCARE_WRISTBANDS,
    ELDERCARE_MISSING_CASES,
    ELDERCARE_VOLUNTEER_CORPS,
    ELDERCARE_VOLUNTEERS,
    ELDERCARE_VOLUNTEER_SERVICES,
    CHARITY_FUNDS,
    CHARITY_DONATIONS,
    CHARITY_PROJECTS,
    CHARITY_BENEFICIARIES,
    CHARITY_ALLOCATIONS,
    CHARITY_DISBURSEMENTS,
    CHARITY_RECONCILIATIONS,
    CHARITY_CHILD_CARE_SESSIONS,
    NOTIFY_NOTIFICATIONS,
)

# Every consuming service has one dead-letter topic, "<consumer>.dlq".
CONSUMERS: tuple[str, ...] = ("inspection", "charity", "notify", "views")

# The topics each service reads, for the broker's ACLs (provisioning cannot compose the services
# to ask them). A test compares it with what each service's handlers subscribe to; views' rebuild
# readers and status page read the same topics as its live consumer.
CONSUMES: dict[str, tuple[str, ...]] = {
    "inspection": (ELDERCARE_INSTITUTIONS,),
    "eldercare": (),
    "charity": (ELDERCARE_ELDERS, ELDERCARE_INSTITUTIONS),
    "notify": (
        CHARITY_DISBURSEMENTS,
        CHARITY_RECONCILIATIONS,
        ELDERCARE_INSTITUTIONS,
        ELDERCARE_MEAL_POINTS,
        ELDERCARE_MISSING_CASES,
        ELDERCARE_VOLUNTEER_CORPS,
        INSPECTION_HAZARDS,
        INSPECTION_LEADERS,
        INSPECTION_WORK_NOTICES,
    ),
    # views reads every domain topic: its projections and dashboard span all departments.
    "views": DOMAIN_TOPICS,
}

# Integrators' consumer groups must start with this (the broker lets them use no other group).
INTEGRATOR_GROUP_PREFIX = "integrator."

# DLQs keep 30 days: long enough to inspect and replay, short enough to bound a poison flood.
DLQ_RETENTION_MS = 30 * 24 * 3600 * 1000


def dlq_topic(consumer: str) -> str:
    """The dead-letter topic of a consumer."""
    return f"{consumer}.dlq"


def integrator_readable(spec: TopicSpec) -> bool:
    """Whether an integrator may read a topic: not a DLQ, not restricted, not ``notify.*``."""
    return not (spec.is_dlq or spec.restricted or spec.producer == "notify")


def all_topics() -> list[TopicSpec]:
    """Every topic provisioning creates, domain topics first."""
    specs = [
        TopicSpec(name=name, producer=name.split(".", 1)[0], restricted=name in RESTRICTED)
        for name in DOMAIN_TOPICS
    ]
    specs += [
        TopicSpec(name=dlq_topic(c), producer=c, restricted=True, retention_ms=DLQ_RETENTION_MS)
        for c in CONSUMERS
    ]
    return specs
