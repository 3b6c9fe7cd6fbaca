"""Kafka plumbing: the producer settings every publisher uses, and header helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from shared.kafka_security import KafkaSecurity

# Headers duplicated from the CloudEvent for tooling (DECISIONS §4).
CONTENT_TYPE_HEADER = "content-type"


def producer_settings() -> dict[str, object]:
    """Idempotent, acks=all, small linger: the settings of the relay and of its baseline."""
    return {
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "max_batch_size": 262_144,
        "request_timeout_ms": 15_000,
        "retry_backoff_ms": 200,
    }


def bootstrap_list(servers: str) -> list[str]:
    """The ``host:port`` entries of a comma-separated ``KAFKA_BOOTSTRAP_SERVERS`` value."""
    # aiokafka splits a string itself, but faststream wraps a string into a one-item list, which
    # aiokafka then takes for a single host: a multi-broker value must reach it as a list.
    return [part.strip() for part in servers.split(",") if part.strip()]


def make_producer(bootstrap: str, *, client_id: str, security: KafkaSecurity | None = None) -> Any:
    """A producer with :func:`producer_settings`, logging in as ``security`` says; not started."""
    return AIOKafkaProducer(  # type: ignore[no-untyped-call]
        bootstrap_servers=bootstrap,
        client_id=client_id,
        **producer_settings(),
        **(security or KafkaSecurity()).client_options(),
    )


def encode_headers(headers: Mapping[str, str]) -> list[tuple[str, bytes]]:
    """Kafka headers from a str mapping (UTF-8 values)."""
    return [(k, v.encode()) for k, v in headers.items()]


def decode_headers(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    """A str mapping from Kafka headers; undecodable values are replaced, never fatal."""
    return {k: v.decode("utf-8", "replace") for k, v in (headers or ())}
