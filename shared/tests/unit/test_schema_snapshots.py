"""Each contract's JSON schema equals its committed snapshot: a schema change is a reviewed change.

Regenerate after an intended change with:
    UPDATE_SNAPSHOTS=1 uv run pytest shared/tests/unit/test_schema_snapshots.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shared.events.registry import ALL_EVENTS

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
UPDATING = os.environ.get("UPDATE_SNAPSHOTS") == "1"
UPDATE_COMMAND = "UPDATE_SNAPSHOTS=1 uv run pytest shared/tests/unit/test_schema_snapshots.py"


def render(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("contract", ALL_EVENTS, ids=[event.TYPE for event in ALL_EVENTS])
def test_json_schema_matches_the_committed_snapshot(contract):
    path = SNAPSHOTS / f"{contract.TYPE}.json"
    current = render(contract.model_json_schema())

    if UPDATING:
        SNAPSHOTS.mkdir(exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != current:
            path.write_text(current, encoding="utf-8")
        return

    if not path.exists():
        pytest.fail(
            f"no schema snapshot {path.name} for {contract.__name__}: write it with "
            f"`{UPDATE_COMMAND}` and commit it"
        )
    committed = path.read_text(encoding="utf-8")
    if committed != current:
        pytest.fail(
            f"the JSON schema of {contract.TYPE} differs from {path.name}. Within a version only "
            f"additive changes are allowed (DECISIONS §4; a breaking one needs a new .v<N+1> "
            f"contract). If the change is intended, regenerate with `{UPDATE_COMMAND}` and "
            f"commit the snapshot"
        )


def test_every_snapshot_belongs_to_a_registered_contract():
    known = {f"{event.TYPE}.json" for event in ALL_EVENTS}
    stray = sorted(p.name for p in SNAPSHOTS.glob("*.json") if p.name not in known)

    assert stray == [], f"snapshots of unregistered contracts (delete them if intended): {stray}"
