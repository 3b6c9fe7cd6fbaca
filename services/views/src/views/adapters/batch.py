"""Apply many events in one transaction with few round trips (rebuilds and their catch-up).

The result is that of :func:`views.adapters.apply.apply_event` called on each event in order:

- the version claims are decided in memory against the batch's ``p_versions`` rows (read once,
  or known already: see :class:`KnownVersions`) and written back in one statement, with the
  same guard;
- each claimed event's writer runs against a recorder instead of the connection (writers only
  execute statements, they never read), so its statements are known without a round trip;
- the statements run grouped by SQL, each group as a few set-based statements
  (:mod:`views.adapters.setwise`). Statements are regrouped across aggregates only: each
  aggregate's own statements keep their order, and aggregates commute (no writer touches
  another aggregate's rows, see :mod:`.apply`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from shared.events.base import IntegrationEvent
from shared.events.envelope import CloudEvent
from views.adapters.apply import SET_VERSIONS, WRITERS
from views.adapters.setwise import execute_rows

Item = tuple[IntegrationEvent, CloudEvent]
Statement = tuple[str, tuple[Any, ...]]
_Key = tuple[str, str]

_VERSIONS = """
SELECT v.aggregate, v.aggregate_id, v.version
FROM p_versions v JOIN unnest($1::text[], $2::text[]) AS k (aggregate, aggregate_id)
    USING (aggregate, aggregate_id)
"""


class KnownVersions:
    """Every ``p_versions`` row of a set that only its owner writes: a rebuild's new set.

    Nobody else writes the set before the switch, so the rows need not be read back for each
    batch. Claims are staged by :func:`apply_events` and become known with :meth:`commit`, once
    their transaction has committed; :meth:`discard` drops them when it rolled back.
    """

    def __init__(self, rows: dict[_Key, int] | None = None) -> None:
        self.rows: dict[_Key, int] = rows or {}
        self.staged: dict[_Key, int] = {}

    @classmethod
    async def load(cls, conn: Any) -> KnownVersions:
        """Every row of ``p_versions`` on the search path."""
        found = await conn.fetch("SELECT aggregate, aggregate_id, version FROM p_versions")
        return cls({(r["aggregate"], r["aggregate_id"]): r["version"] for r in found})

    def commit(self) -> None:
        """The staged claims committed."""
        self.rows.update(self.staged)
        self.staged = {}

    def discard(self) -> None:
        """The staged claims rolled back."""
        self.staged = {}


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


Group = tuple[str, list[list[tuple[Any, ...]]]]


def schedule(chains: Iterable[list[Statement]]) -> list[Group]:
    """Group each chain's statements into as few runs of one SQL as order per chain allows.

    Each step picks the SQL heading the most chains and takes, from every chain, its leading
    statements with that SQL (a list of rows per chain, in order); running the groups in order
    runs each chain in order.
    """
    pending = [list(reversed(chain)) for chain in chains if chain]  # pop() takes the head
    groups: list[Group] = []
    while pending:
        sql = Counter(chain[-1][0] for chain in pending).most_common(1)[0][0]
        taken: list[list[tuple[Any, ...]]] = []
        for chain in pending:
            rows: list[tuple[Any, ...]] = []
            while chain and chain[-1][0] == sql:
                rows.append(chain.pop()[1])
            if rows:
                taken.append(rows)
        groups.append((sql, taken))
        pending = [chain for chain in pending if chain]
    return groups


async def _versions(conn: Any, keys: Iterable[_Key]) -> dict[_Key, int]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await conn.fetch(_VERSIONS, [k[0] for k in wanted], [k[1] for k in wanted])
    return {(r["aggregate"], r["aggregate_id"]): r["version"] for r in rows}


async def apply_events(
    conn: Any, items: Sequence[Item], known: KnownVersions | None = None
) -> list[bool]:
    """Apply ``items`` in order to the table set on the search path; per item, whether it applied.

    Call it inside a transaction: the claims and the writes must commit (or fail) together.
    With ``known``, the set's versions are not read but taken from it, and the claims are
    staged in it (commit or discard them with the transaction).
    """
    keys = [(env.aggregatetype, env.subject) for _, env in items if env.type in WRITERS]
    if known is None:
        versions = await _versions(conn, keys)
    else:
        versions = {k: known.rows[k] for k in keys if k in known.rows}
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
        await conn.execute(
            # apply.py's claim for every claimed aggregate at once (one row each: its highest).
            SET_VERSIONS,
            [k[0] for k in claimed],
            [k[1] for k in claimed],
            list(claimed.values()),
        )
    if known is not None:
        known.staged = claimed
    for sql, rows in schedule(chains.values()):
        await execute_rows(conn, sql, rows)
    return outcome
