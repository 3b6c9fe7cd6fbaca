"""The rebuild's decoding: every event type's event and envelope; None for what it skips."""

import json

from shared.events.envelope import decode
from shared.events.registry import REGISTRY
from tests.demo import demo_stream, rare_events, sample
from views.adapters.decoding import parsed


def test_every_event_type_decodes_as_shared_decodes_it():
    items = sample(demo_stream(), per_type=1) + rare_events()
    values = [env.to_json() for _, env in items]
    assert len({env.type for _, env in items}) >= len(REGISTRY.by_type) - 2  # all but 2 rare ones
    for value in values:
        found = parsed(value)
        envelope = decode(value)
        assert found is not None or REGISTRY.contract(envelope.type) is None
        if found is not None:
            assert found == (REGISTRY.parse(envelope), envelope)


def test_unknown_fields_are_ignored_and_broken_records_give_none():
    _, env = rare_events()[0]
    doc = json.loads(env.to_json())
    doc["data"]["added_by_a_newer_producer"] = 1
    newer = json.dumps(doc).encode()
    found = parsed(newer)
    assert found is not None
    assert "added_by_a_newer_producer" not in found[0].model_dump()
    doc["subject"] = "someone-else"
    wrong_subject = json.dumps(doc).encode()
    doc["data"] = {}
    no_data = json.dumps(doc).encode()
    doc["type"] = "nobody.knows.this.v1"
    unknown = json.dumps(doc).encode()
    for value in (wrong_subject, no_data, unknown, b"not json", None):
        assert parsed(value) is None
