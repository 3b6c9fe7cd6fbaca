"""Prometheus metrics of one process: outbox, relay, consumers and HTTP."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """The platform's metric families, in a registry of their own (one per process or test)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.http_latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by route and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "outbox_backlog", "Outbox rows committed but not yet published.", ["schema"], registry=r
        )
        self.outbox_oldest_age = Gauge(
            "outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox row.",
            ["schema"],
            registry=r,
        )
        self.relay_published = Counter(
            "relay_published_events", "Events the relay published.", ["schema"], registry=r
        )
        self.relay_leader = Gauge(
            "relay_leader", "1 while this process holds the relay lock.", ["schema"], registry=r
        )
        self.consumed = Counter(
            "consumer_messages",
            "Messages handled, by outcome (applied, duplicate, skipped, dead_lettered).",
            ["consumer", "topic", "outcome"],
            registry=r,
        )
        self.consumer_retries = Counter(
            "consumer_retries",
            "Handler attempts that failed and were retried.",
            ["consumer", "topic"],
            registry=r,
        )
        self.consumer_dlq = Counter(
            "consumer_dlq_messages",
            "Messages sent to the dead-letter topic.",
            ["consumer", "topic"],
            registry=r,
        )
        self.consumer_lag = Gauge(
            "consumer_lag",
            "Messages behind the partition's end after the last one handled.",
            ["consumer", "topic", "partition"],
            registry=r,
        )

    def render(self) -> bytes:
        """The exposition text for ``/metrics``."""
        return generate_latest(self.registry)
