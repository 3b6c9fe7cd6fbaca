"""Rule parameters that are settings, not regulation (DOMAIN §12.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Policy:
    """Windows and thresholds of the hazard and inspection rules."""

    general_window_days: int = 30
    major_window_days: int = 90
    reminder_days: int = 3
    escalation_days: int = 7
    report_grace: timedelta = timedelta(hours=24)

    def window_days(self, level: str) -> int:
        """How far after the finding day a deadline may lie, for a hazard level."""
        return self.major_window_days if level == "MAJOR" else self.general_window_days
