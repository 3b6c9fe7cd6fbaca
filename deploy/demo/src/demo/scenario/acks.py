"""The three acknowledgements of §11.3: S1 acks the two overdue alerts, L1 the escalation."""

from __future__ import annotations

from datetime import date

from demo import ids
from demo.calendar import at
from demo.scenario import inspection
from demo.script import ACK, Script
from shared.events.inspection import HazardEscalated, HazardOverdue


def add(script: Script) -> None:
    """Acks the morning after the sweep that sent each alert."""
    hazards = {h.label: h for insp in inspection.plan_2024() for h in insp.hazards if h.label}
    rows = (
        (date(2024, 11, 16), HazardOverdue.TYPE, hazards["#1"], "safety_lead", ids.S1),
        (date(2024, 11, 23), HazardEscalated.TYPE, hazards["#1"], "main_leader", ids.L1),
        (date(2024, 11, 27), HazardOverdue.TYPE, hazards["#2"], "safety_lead", ids.S1),
    )
    for day, event_type, hazard, actor, person in rows:
        script.add(
            at(day, 8, 30),
            "notify",
            "POST",
            "/notifications/{id}/ack",
            actor,
            f"ack:{event_type}:{hazard.code}",
            {},
            step=ACK,
            event_type=event_type,
            subject=hazard.id,
            recipient=person,
        )
