"""Malformed records of every kind, built around one valid event of a consumer's real topic."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from shared.events import CloudEvent
from shared.events.envelope import MAX_ENVELOPE_BYTES

HUGE_BYTES = MAX_ENVELOPE_BYTES + 500  # just over the consumers' limit, under Kafka's 1 MiB


@dataclass(frozen=True)
class Bad:
    """One hostile record and the dead-letter reason it must get."""

    name: str
    value: bytes | None
    reason: str  # a part of the dlq-error header
    error_class: str
    headers: tuple[tuple[str, bytes], ...] = ()
    retried: bool = False  # a handler failure (retried, then dead-lettered), not a parse failure


def document(envelope: CloudEvent) -> dict[str, Any]:
    """The envelope as the JSON object on the wire."""
    doc: dict[str, Any] = json.loads(envelope.to_json())
    return doc


def encoded(doc: dict[str, Any]) -> bytes:
    """A JSON object as a Kafka value."""
    return json.dumps(doc, ensure_ascii=False).encode()


def malformed(
    envelope: CloudEvent, key_field: str, unapplied: CloudEvent, text_field: str | None = None
) -> list[Bad]:
    """Every kind of bad record for ``envelope``'s type; ``unapplied`` is valid but for headers.

    With ``text_field`` (a text the consumer stores), also a NUL character in it: valid JSON and
    a valid contract, but no PostgreSQL text can hold it, so the handler fails every attempt.
    """
    doc = document(envelope)
    data = doc["data"]
    no_id = {k: v for k, v in doc.items() if k not in ("id", "time", "source")}
    huge = document(envelope) | {"data": data | {"padding": ""}}
    huge["data"]["padding"] = "长" * 10  # measured below, then padded to HUGE_BYTES
    huge["data"]["padding"] += "x" * (HUGE_BYTES - len(encoded(huge)))
    envelope_error, contract_error = "EnvelopeError", "ContractError"
    database: list[Bad] = []
    if text_field is not None:
        nul = doc | {"data": data | {text_field: "敬老\x00院"}}
        database.append(
            Bad(
                "NUL in stored text",
                encoded(nul),
                "0x00",
                "CharacterNotInRepertoireError",
                retried=True,
            )
        )
    records = [
        Bad("broken JSON", encoded(doc)[:40], "not UTF-8 JSON", envelope_error),
        Bad("not UTF-8", b"\xff\xfe{\x00\xc3(", "not UTF-8 JSON", envelope_error),
        Bad("JSON but no object", b'["a", 1]', "not an object", envelope_error),
        Bad("tombstone", None, "empty Kafka value", envelope_error),
        Bad("envelope missing fields", encoded(no_id), "id: Field required", envelope_error),
        Bad(
            "envelope of wrong types",
            encoded(doc | {"aggregateversion": "seven", "time": [2024]}),
            "aggregateversion",
            envelope_error,
        ),
        Bad(
            "data of wrong types",
            encoded(doc | {"data": {k: [k, {"v": 1}] for k in data}}),
            "data violates the contract",
            contract_error,
        ),
        Bad(
            "data missing fields",
            encoded(doc | {"data": {key_field: data[key_field]}}),
            "Field required",
            contract_error,
        ),
        Bad(
            "subject of another aggregate",
            encoded(doc | {"subject": str(uuid.uuid4())}),
            "differs from the aggregate id",
            contract_error,
        ),
        Bad("huge", encoded(huge), f"exceeds {MAX_ENVELOPE_BYTES}", envelope_error),
        Bad(
            "headers not UTF-8",
            unapplied.to_json(),
            "headers not UTF-8: ce_type",
            envelope_error,
            (("ce_type", b"\xff\xfe" + unapplied.type.encode()), ("ce_id", b"ok")),
        ),
    ]
    return [*database, *records]


def unknown_version(envelope: CloudEvent) -> bytes:
    """The same event as a version no consumer knows (``….v9``)."""
    doc = document(envelope)
    doc["type"] = doc["type"].rsplit(".v", 1)[0] + ".v9"
    return encoded(doc)


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of a Prometheus family's samples whose labels include ``labels``."""
    total = 0.0
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    for line in text.splitlines():
        if line.startswith(name + "{") and all(w in line for w in wanted):
            total += float(line.rsplit(" ", 1)[1])
    return total
