"""The routing table of DOMAIN §7 as data: event type → recipient roles → channels → priority.

The table carries a version; every notification and audit row records the version that decided
it. A change to the table is a new ``ROUTING_VERSION`` (a unit test pins the table's digest).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from notify.domain.model import Channel, Priority

ROUTING_VERSION = 1

# Recipient roles, resolved from the role directory or the event itself.
RESPONSIBLE = "responsible"  # the hazard's 整改责任人 (event payload / hazard replica)
SITE_HEAD = "site_head"  # head_person_id of the hazard's site (eldercare.institutions)
SAFETY_LEAD = "safety_lead"  # SAFETY_LEAD (inspection.leaders)
MAIN_LEADER = "main_leader"  # MAIN_LEADER (inspection.leaders)
VERIFIER = "verifier"  # verifier_id of the event
MEMBER = "member"  # the leader the event is about (person_id)
TARGET_SITE_HEADS = "target_site_heads"  # heads of a work notice's target sites
BRANCH_LEADER = "branch_leader"  # volunteer branch leader of the case's county
ELDERCARE_DUTY_OFFICER = "eldercare_duty_officer"  # setting
CHARITY_OFFICER = "charity_officer"  # setting

# The escalation ladder of hazard-class notifications (NOTIFY §6.1).
HAZARD_LADDER = (RESPONSIBLE, SITE_HEAD, SAFETY_LEAD, MAIN_LEADER)

# Trigger kinds: what a notification reminds of, to cancel it when the trigger stops holding.
REMINDER_KINDS = frozenset({"hazard_approaching", "hazard_overdue", "hazard_escalated"})

_E, _S, _R = Channel.EMAIL, Channel.SMS, Channel.ROBOT


@dataclass(frozen=True)
class Rule:
    """One row of the routing table."""

    code: str
    event_type: str
    recipients: tuple[str, ...]
    priority: Priority
    template: str
    channels: tuple[Channel, ...]
    escalation_channels: tuple[Channel, ...] = ()
    ack_required: bool = False
    ladder: tuple[str, ...] = ()
    description: str = ""


def _hazard(verb: str) -> str:
    return f"inspection.hazard.{verb}.v1"


# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("work_notice_issued", "inspection.work_notice.issued.v1", (TARGET_SITE_HEADS,),
         Priority.HIGH, "work_notice_issued", (_E, _R), description="工作提示 → 目标机构负责人"),
    Rule("hazard_assigned", _hazard("rectification_assigned"), (RESPONSIBLE,), Priority.HIGH,
         "hazard_assigned", (_E, _R), (_S,), True, HAZARD_LADDER, "隐患交办 → 整改责任人"),
    Rule("hazard_submitted", _hazard("rectification_submitted"), (VERIFIER,), Priority.NORMAL,
         "hazard_submitted", (_E,), description="整改提交 → 验收人"),
    Rule("hazard_rejected", _hazard("rectification_rejected"), (RESPONSIBLE,), Priority.HIGH,
         "hazard_rejected", (_E, _R), (_S,), True, HAZARD_LADDER, "验收退回 → 整改责任人"),
    Rule("hazard_approaching", _hazard("deadline_approaching"), (RESPONSIBLE,), Priority.HIGH,
         "hazard_approaching", (_E, _R), (_S,), True, HAZARD_LADDER, "临期提醒 → 整改责任人"),
    Rule("hazard_overdue", _hazard("overdue"), (RESPONSIBLE, SITE_HEAD, SAFETY_LEAD),
         Priority.HIGH, "hazard_overdue", (_E, _R), (_S,), True, HAZARD_LADDER,
         "逾期 → 责任人 + 机构负责人 + 分管安全负责人"),
    Rule("hazard_escalated", _hazard("escalated"), (MAIN_LEADER,), Priority.URGENT,
         "hazard_escalated", (_E, _R, _S), (), True, HAZARD_LADDER, "挂牌督办 → 主要领导"),
    Rule("cadence_breached", "inspection.leader.cadence_breached.v1", (MEMBER, MAIN_LEADER),
         Priority.NORMAL, "cadence_breached", (_E,),
         description="带班检查未达标 → 本人 + 主要领导"),
    Rule("missing_case_reported", "eldercare.missing_case.reported.v1",
         (BRANCH_LEADER, ELDERCARE_DUTY_OFFICER), Priority.URGENT, "missing_case_reported",
         (_S, _R), description="老人走失 → 该县分队队长 + 养老值班员（不受免打扰时段限制）"),
    Rule("missing_case_found", "eldercare.missing_case.found.v1",
         (BRANCH_LEADER, ELDERCARE_DUTY_OFFICER), Priority.HIGH, "missing_case_found", (_S, _R),
         description="走失老人已找到 → 同上"),
    Rule("disbursement_failed", "charity.disbursement.failed.v1", (CHARITY_OFFICER,),
         Priority.NORMAL, "disbursement_failed", (_E,), description="发放失败 → 慈善科经办人"),
    Rule("meal_point_suspended", "eldercare.meal_point.suspended.v1", (ELDERCARE_DUTY_OFFICER,),
         Priority.NORMAL, "meal_point_suspended", (_E,), description="助餐点暂停 → 养老值班员"),
    Rule("reconciliation_discrepancy", "charity.reconciliation.completed.v1", (CHARITY_OFFICER,),
         Priority.NORMAL, "reconciliation_discrepancy", (_E,),
         description="对账有差异（discrepancy_count > 0）→ 慈善科经办人"),
)
# fmt: on

MANUAL_RULE = Rule("manual", "notify.manual", (), Priority.NORMAL, "manual_notice", (_E,))


def rules_for(event_type: str) -> tuple[Rule, ...]:
    """The rules an event type triggers."""
    return tuple(rule for rule in RULES if rule.event_type == event_type)


def rule_by_code(code: str) -> Rule:
    """A rule by its code (escalation looks the rule of a chain up again)."""
    for rule in (*RULES, MANUAL_RULE):
        if rule.code == code:
            return rule
    raise KeyError(code)


def routed_event_types() -> frozenset[str]:
    """Every event type some rule routes."""
    return frozenset(rule.event_type for rule in RULES)


def table_digest() -> str:
    """A hash of the table, pinned per version by a unit test."""
    rows = [asdict(rule) for rule in RULES]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()[:16]
