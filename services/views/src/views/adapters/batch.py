"""Apply many events in one transaction with few round trips (rebuilds and their catch-up).

The result is that of :func:`views.adapters.apply.apply_event` called on each event in order:

- the version claims are decided in memory against the batch's ``p_versions`` rows (read once)
  and written back in one statement, with the same guard;
- each claimed event's writer runs against a recorder instead of the connection (writers only
  execute statements, they never read), so its statements are known without a round trip;
- the statements run as a few ``executemany`` calls, one per run of the same SQL. Statements are
  regrouped across aggregates only: each aggregate's own statements keep their order, and
  aggregates commute (no writer touches another aggregate's rows, see :mod:`.apply`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from views.adapters.apply import WRITERS

Item = tuple[IntegrationEvent, CloudEvent]
Statement = tuple[str, tuple[Any, ...]]
_Key = tuple[str, str]

_VERSIONS = """
SELECT v.aggregate, v.aggregate_id, v.version
FROM p_versions v JOIN unnest($1::text[], $2::text[]) AS k (aggregate, aggregate_id)
    USING (aggregate, aggregate_id)
"""

# The claim of apply.py for every claimed aggregate at once (one row each: the batch's highest).
_SET_VERSIONS = """
INSERT INTO p_versions AS p (aggregate, aggregate_id, version)
SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
ON CONFLICT (aggregate, aggregate_id) DO UPDATE SET version = EXCLUDED.version
WHERE p.version < EXCLUDED.version
"""


class Recorder:
    """Stands in for the connection while a writer runs: keeps its statements, in order."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    async def execute(self, sql: str, *args: Any) -> str:
        """Record one statement."""
        self.statements.append((sql, args))
        return ""

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Record one statement per row."""
        self.statements.extend((sql, tuple(row)) for row in rows)


def schedule(chains: Iterable[list[Statement]]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Group each chain's statements into as few runs of one SQL as order per chain allows.

    Each step picks the SQL heading the most chains and takes, from every chain, its leading
    statements with that SQL; a chain's statements are taken in order, so running the groups in
    order runs each chain in order.
    """
    pending = [list(reversed(chain)) for chain in chains if chain]  # pop() takes the head
    groups: list[tuple[str, list[tuple[Any, ...]]]] = []
    while pending:
        sql = Counter(chain[-1][0] for chain in pending).most_common(1)[0][0]
        rows: list[tuple[Any, ...]] = []
        for chain in pending:
            while chain and chain[-1][0] == sql:
                rows.append(chain.pop()[1])
        groups.append((sql, rows))
        pending = [chain for chain in pending if chain]
    return groups


async def _versions(conn: Any, keys: Iterable[_Key]) -> dict[_Key, int]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await conn.fetch(_VERSIONS, [k[0] for k in wanted], [k[1] for k in wanted])
    return {(r["aggregate"], r["aggregate_id"]): r["version"] for r in rows}


async def apply_events(conn: Any, items: Sequence[Item]) -> list[bool]:
    """Apply ``items`` in order to the table set on the search path; per item, whether it applied.

    Call it inside a transaction: the claims and the writes must commit (or fail) together.
    """
    handled = [(event, env) for event, env in items if env.type in WRITERS]
    versions = await _versions(conn, ((env.aggregatetype, env.subject) for _, env in handled))
    claimed: dict[_Key, int] = {}
    chains: dict[_Key, list[Statement]] = {}
    outcome: list[bool] = []
    for event, env in items:
        writer = WRITERS.get(env.type)
        key = (env.aggregatetype, env.subject)
        current = versions.get(key)
        if writer is None or (current is not None and current >= env.aggregateversion):
            outcome.append(False)
            continue
        versions[key] = claimed[key] = env.aggregateversion
        recorder = Recorder()
        await writer(recorder, event, env)
        chains.setdefault(key, []).extend(recorder.statements)
        outcome.append(True)
    if claimed:
        keys = list(claimed)
        await conn.execute(
            _SET_VERSIONS, [k[0] for k in keys], [k[1] for k in keys], list(claimed.values())
        )
    for sql, rows in schedule(chains.values()):
        await conn.executemany(sql, rows)
    return outcome
