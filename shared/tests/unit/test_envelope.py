"""The envelope: deterministic ids, strict decoding with clear reasons."""

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from shared.events import REGISTRY, EnvelopeError, decode, envelope_for, event_id_for
from shared.events.inspection import CampaignLaunched

EVENT = CampaignLaunched(
    campaign_id=uuid.UUID("11111111-1111-1111-1111-111111111111"),
    code="ZX-2024-001",
    name="燃气安全专项整治",
    kind="GAS_SAFETY",
    start_on=date(2024, 3, 1),
    lead_unit="市民政局",
)


def test_event_id_is_uuid5_of_aggregate_and_version():
    env = envelope_for(EVENT, source="inspection", version=3, time=datetime(2024, 3, 1, tzinfo=UTC))
    assert env.id == str(event_id_for("campaign", str(EVENT.campaign_id), 3))
    again = envelope_for(
        EVENT, source="/inspection", version=3, time=datetime(2024, 3, 2, tzinfo=UTC)
    )
    assert again.id == env.id
    assert env.source == again.source == "/inspection"


def test_round_trip():
    env = envelope_for(EVENT, source="inspection", version=1, time=datetime(2024, 3, 1, tzinfo=UTC))
    decoded = decode(env.to_json())
    assert decoded == env
    assert REGISTRY.parse(decoded) == EVENT


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "tombstone"),
        (b"\x80abc", "not UTF-8 JSON"),
        (b"[1]", "not an object"),
        (b"{}", "malformed CloudEvent"),
        (b"x" * 1_000_001, "exceeds"),
    ],
)
def test_malformed_values_say_why(value, reason):
    with pytest.raises(EnvelopeError, match=reason):
        decode(value)


def test_naive_time_is_refused():
    env = json.loads(
        envelope_for(EVENT, source="i", version=1, time=datetime(2024, 3, 1, tzinfo=UTC)).to_json()
    )
    env["time"] = "2024-03-01T00:00:00"
    with pytest.raises(EnvelopeError, match="time"):
        decode(json.dumps(env).encode())


def test_subject_must_match_the_aggregate_id():
    env = json.loads(
        envelope_for(EVENT, source="i", version=1, time=datetime(2024, 3, 1, tzinfo=UTC)).to_json()
    )
    env["subject"] = str(uuid.uuid4())
    with pytest.raises(EnvelopeError, match="subject"):
        REGISTRY.parse(decode(json.dumps(env).encode()))
