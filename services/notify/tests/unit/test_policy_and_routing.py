import uuid
from datetime import UTC, date, datetime, time

import pytest

from notify.domain import routing
from notify.domain.model import Priority, Status, can_move
from notify.domain.policy import (
    ErrorClass,
    HazardState,
    QuietHours,
    backoff,
    classify_http,
    classify_smtp,
    dedupe_key,
    next_local_midnight,
    trigger_holds,
)
from notify.service_layer.planning import Snapshot, ladder_after, plan

QUIET = QuietHours(time(22), time(7), frozenset({Priority.NORMAL}))
PINNED_ROUTING = {1: "e30e80bad73b3975"}


def test_the_routing_table_is_versioned_by_its_digest():
    # Changing a rule means bumping ROUTING_VERSION and pinning the new digest here.
    assert routing.ROUTING_VERSION == 1
    assert routing.table_digest() == PINNED_ROUTING[routing.ROUTING_VERSION]
    assert len(routing.table_digest()) == 16


def test_every_routed_event_type_is_a_known_contract():
    from shared.events.registry import REGISTRY

    for event_type in routing.routed_event_types():
        assert REGISTRY.contract(event_type) is not None, event_type


def test_every_rule_names_an_existing_template_and_hazard_rules_need_acknowledgement():
    from notify.domain import templates

    for rule in routing.RULES:
        templates.latest(rule.template)
        assert rule.ack_required == rule.code.startswith(
            (
                "hazard_assigned",
                "hazard_rejected",
                "hazard_approaching",
                "hazard_overdue",
                "hazard_escalated",
            )
        )


@pytest.mark.parametrize(
    ("utc", "release"),
    [
        (datetime(2024, 3, 6, 19, 0, tzinfo=UTC), datetime(2024, 3, 6, 23, 0, tzinfo=UTC)),
        (datetime(2024, 3, 6, 14, 30, tzinfo=UTC), datetime(2024, 3, 6, 23, 0, tzinfo=UTC)),
        (datetime(2024, 3, 6, 13, 59, tzinfo=UTC), None),  # 21:59 local
        (datetime(2024, 3, 6, 23, 0, tzinfo=UTC), None),  # 07:00 local
    ],
)
def test_quiet_hours_defer_normal_messages_to_7am_local(utc, release):
    assert QUIET.release_at(utc, Priority.NORMAL) == release


def test_quiet_hours_never_delay_urgent_or_high():
    night = datetime(2024, 3, 6, 19, 0, tzinfo=UTC)
    assert QUIET.release_at(night, Priority.URGENT) is None
    assert QUIET.release_at(night, Priority.HIGH) is None


def test_daily_caps_reset_at_local_midnight():
    assert next_local_midnight(datetime(2024, 3, 6, 15, 0, tzinfo=UTC)) == datetime(
        2024, 3, 6, 16, 0, tzinfo=UTC
    )


def test_backoff_follows_the_schedule_and_repeats_its_last_step():
    steps = (60, 300)
    assert [backoff(n, steps).total_seconds() for n in (1, 2, 3, 9)] == [60, 300, 300, 300]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, None),
        (204, None),
        (500, ErrorClass.RETRYABLE),
        (503, ErrorClass.RETRYABLE),
        (429, ErrorClass.RETRYABLE),
        (408, ErrorClass.RETRYABLE),
        (400, ErrorClass.PERMANENT),
        (401, ErrorClass.PERMANENT),
        (404, ErrorClass.PERMANENT),
    ],
)
def test_http_answers_split_into_transient_and_permanent(status, expected):
    assert classify_http(status) == expected


def test_smtp_4xx_is_transient_and_5xx_permanent():
    assert classify_smtp(451) is ErrorClass.RETRYABLE
    assert classify_smtp(550) is ErrorClass.PERMANENT


def test_dedupe_key_depends_on_event_recipient_channel_and_template():
    base = dedupe_key("e", "r", "email", "t")
    assert base == dedupe_key("e", "r", "email", "t")
    assert (
        len(
            {
                base,
                dedupe_key("e2", "r", "email", "t"),
                dedupe_key("e", "r2", "email", "t"),
                dedupe_key("e", "r", "sms", "t"),
                dedupe_key("e", "r", "email", "t2"),
            }
        )
        == 5
    )


def test_status_moves_only_forward_and_terminal_statuses_absorb_late_signals():
    assert can_move(Status.QUEUED, Status.SENT)
    assert can_move(Status.FAILED, Status.DELIVERED)
    assert can_move(Status.SENT, Status.DELIVERED)
    assert can_move(Status.DELIVERED, Status.ACKNOWLEDGED)
    assert not can_move(Status.DELIVERED, Status.SENT)
    assert not can_move(Status.DELIVERED, Status.UNDELIVERABLE)
    assert not can_move(Status.UNDELIVERABLE, Status.DELIVERED)
    assert not can_move(Status.CANCELLED, Status.SENT)
    assert not can_move(Status.QUEUED, Status.ACKNOWLEDGED)


def test_reminders_stop_holding_once_the_hazard_is_submitted_or_re_dated():
    params = {"deadline_on": "2024-03-20"}
    open_ = HazardState("IN_RECTIFICATION", date(2024, 3, 20), None)
    assert trigger_holds("hazard_overdue", params, open_)
    assert not trigger_holds("hazard_overdue", params, HazardState("SUBMITTED", None, None))
    assert not trigger_holds("hazard_approaching", params, HazardState("VERIFIED", None, None))
    moved = HazardState("IN_RECTIFICATION", date(2024, 4, 1), None)
    assert not trigger_holds("hazard_overdue", params, moved)
    assert trigger_holds("hazard_submitted", {}, HazardState("SUBMITTED", None, None))
    assert not trigger_holds("hazard_submitted", {}, HazardState("VERIFIED", None, None))
    assert not trigger_holds("missing_case_reported", {}, None, case_open=False)
    assert trigger_holds("cadence_breached", {}, None)


def test_overdue_plans_email_and_robot_for_responsible_site_head_and_safety_lead():
    responsible, head, safety = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    from notify.service_layer.planning import Site

    snap = Snapshot(site=Site("某院", "430902", head), safety_leads=[safety])
    [rule] = routing.rules_for("inspection.hazard.overdue.v1")
    data = {
        "hazard_id": str(uuid.uuid4()),
        "responsible_person_id": str(responsible),
        "deadline_on": "2024-03-20",
        "level": "GENERAL",
    }
    planned, unresolved = plan(rule, data, snap)
    assert unresolved == []
    assert [(p.recipient.person_id, p.channel) for p in planned] == [
        (responsible, "email"),
        (responsible, "robot"),
        (head, "email"),
        (head, "robot"),
        (safety, "email"),
        (safety, "robot"),
    ]
    assert planned[0].params["deadline"] == "2024年3月20日"


def test_a_role_nobody_holds_is_reported_not_invented():
    [rule] = routing.rules_for("charity.disbursement.failed.v1")
    data = {"disbursement_id": str(uuid.uuid4()), "attempt": 1, "reason_code": "BANK"}
    planned, unresolved = plan(rule, data, Snapshot())
    assert planned == []
    assert unresolved == ["charity_officer"]


def test_reconciliation_routes_only_when_there_are_discrepancies():
    [rule] = routing.rules_for("charity.reconciliation.completed.v1")
    snap = Snapshot(charity_officer=uuid.uuid4())
    base = {"reconciliation_id": str(uuid.uuid4()), "period_end_on": "2024-06-30"}
    assert plan(rule, {**base, "discrepancy_count": 0}, snap)[0] == []
    assert len(plan(rule, {**base, "discrepancy_count": 2}, snap)[0]) == 1


def test_the_ladder_skips_empty_rungs_and_ends():
    rule = routing.rule_by_code("hazard_assigned")
    lead = uuid.uuid4()
    people = {"responsible": [uuid.uuid4()], "site_head": [], "safety_lead": [lead]}
    assert ladder_after(rule, 0, people) == (2, lead)
    assert ladder_after(rule, 3, people)[0] == -1
