"""Settings of the inspection service."""

from __future__ import annotations

from datetime import time

from pydantic import Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The inspection service's settings (environment variables, no prefix)."""

    service_name: str = "inspection"
    http_port: int = 8101
    hazard_general_window_days: int = Field(
        default=30, ge=1, description="Latest deadline of a GENERAL hazard, days after finding."
    )
    hazard_major_window_days: int = Field(
        default=90, ge=1, description="Latest deadline of a MAJOR hazard, days after finding."
    )
    hazard_reminder_days: int = Field(
        default=3, ge=0, description="HazardDeadlineApproaching from this many days before."
    )
    hazard_escalation_days: int = Field(
        default=7, ge=1, description="HazardEscalated once overdue by more than this many days."
    )
    hazard_report_grace_hours: int = Field(
        default=24, ge=0, description="Hazards may be added this long after an inspection ends."
    )
    sweeper_enabled: bool = Field(
        default=True, description="Run the sweepers daily in the background (on the clock)."
    )
    sweep_local_time: time = Field(
        default=time(0, 5), description="Local (Asia/Shanghai) time of the daily sweep."
    )
    sweeper_poll_s: float = Field(
        default=30.0, gt=0, description="How often (real seconds) the background task looks."
    )
