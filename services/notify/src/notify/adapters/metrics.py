"""notify's Prometheus families, registered in the runtime's own registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class NotifyMetrics:
    """Notifications by channel and status, attempts by outcome, escalations, wake-ups."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = registry or CollectorRegistry()
        self.transitions = Counter(
            "notify_notification_transitions",
            "Notifications entering a status, by channel.",
            ["channel", "status"],
            registry=r,
        )
        self.by_status = Gauge(
            "notify_notifications",
            "Notifications currently in each status, by channel (refreshed by the sweeper).",
            ["channel", "status"],
            registry=r,
        )
        self.attempts = Counter(
            "notify_delivery_attempts",
            "Provider calls by channel and outcome (delivered, accepted, retryable, permanent).",
            ["channel", "outcome"],
            registry=r,
        )
        self.escalations = Counter(
            "notify_escalations",
            "Unacknowledged notifications escalated, by rule and kind (channel, person).",
            ["rule", "kind"],
            registry=r,
        )
        self.wakeups = Counter(
            "notify_dispatch_wakeups",
            "Dispatcher passes by cause: start, doorbell (a commit rang), poll (interval ran out).",
            ["cause"],
            registry=r,
        )
        self.suppressed = Counter(
            "notify_suppressed",
            "Sends held back or suppressed, by reason.",
            ["reason"],
            registry=r,
        )

    @property
    def collectors(self) -> list[Counter | Gauge]:
        """Every family, to register in the runtime's registry."""
        return [
            self.transitions,
            self.by_status,
            self.attempts,
            self.escalations,
            self.wakeups,
            self.suppressed,
        ]

    def moved(self, channel: str, status: str) -> None:
        """Count a transition."""
        self.transitions.labels(str(channel), str(status)).inc()
