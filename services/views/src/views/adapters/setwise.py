"""Run many rows of one writer statement as one set-based statement (rebuild batches).

A writer's statement is ``INSERT … VALUES (…) [ON CONFLICT …]``, ``UPDATE … WHERE …`` or
``DELETE FROM … WHERE …`` with parameters ``$1…$n``. Its set-based form reads the rows from
``unnest($1::t1[], …, $n::tn[]) AS _b(_c1, …, _cn)`` (the parameter types are the ones
PostgreSQL infers for the statement itself) and refers to ``_b._ci`` wherever ``$i`` stood:

- ``INSERT … SELECT <the values> FROM unnest(…) [ON CONFLICT …]``
- ``UPDATE … SET … FROM unnest(…) WHERE …`` and ``DELETE FROM … USING unnest(…) WHERE …``

PostgreSQL executes each statement once per call instead of once per row: far less work per
row for both sides. One statement must not touch a row twice (an upsert refuses to, an
``UPDATE … FROM`` would pick one source row), so :func:`rounds` splits the rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_PARAM = re.compile(r"\$(\d+)")
_VALUES = re.compile(r"\bVALUES\s*\(", re.IGNORECASE)
_WHERE = re.compile(r"\sWHERE\s", re.IGNORECASE)
_DO_UPDATE = re.compile(r"\bDO\s+UPDATE\b", re.IGNORECASE)

# Per writer SQL: its set-based form, or None when it has none (run it row by row).
_CACHE: dict[str, str | None] = {}


def rewrite(sql: str, types: Sequence[str]) -> str | None:
    """The set-based form of ``sql`` whose parameters have ``types``; None if it has none."""
    if not types:
        return None
    rows = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, 1))
    names = ", ".join(f"_c{i}" for i in range(1, len(types) + 1))
    source = f"unnest({rows}) AS _b ({names})"
    body = _PARAM.sub(lambda m: f"_b._c{m.group(1)}", sql.strip())
    verb = body[:6].upper()
    if verb == "INSERT":
        found = _VALUES.search(body)
        end = None if found is None else _closing(body, found.end())
        if found is None or end is None or body[end + 1 :].lstrip().startswith(","):
            return None  # not one row of VALUES
        head, values, tail = body[: found.start()], body[found.end() : end], body[end + 1 :]
        return f"{head}SELECT {values} FROM {source}{tail}"  # noqa: S608 - the writer's own SQL
    wheres = list(_WHERE.finditer(body))
    if verb not in ("UPDATE", "DELETE") or len(wheres) != 1:
        return None
    at = wheres[0].start()
    joined = "FROM" if verb == "UPDATE" else "USING"
    return f"{body[:at]} {joined} {source}{body[at:]}"


def _closing(text: str, start: int) -> int | None:
    """The index of the parenthesis closing the one just before ``start`` (quotes respected)."""
    depth, quoted = 1, False
    for i in range(start, len(text)):
        c = text[i]
        if c == "'":
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def order_free(sql: str) -> bool:
    """Whether one aggregate's consecutive rows of ``sql`` may share a statement.

    True for inserts that never update (``ON CONFLICT DO NOTHING``, or none): in one statement
    the rows are inserted in order and a later duplicate meets the earlier row, as it would
    one statement after the other.
    """
    return sql.lstrip()[:6].upper() == "INSERT" and _DO_UPDATE.search(sql) is None


def rounds(sql: str, chains: Sequence[Sequence[tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
    """Split the rows of ``sql`` (one sequence per aggregate, in order) into statements.

    Round k holds the k-th row of each aggregate (all of them when :func:`order_free`), so an
    aggregate's rows still run in order and no statement touches a row twice: no writer touches
    another aggregate's rows. As a safeguard against one that would, a round also never holds
    two rows with the same first parameter (the key of every writer's row); such a row waits for
    the next round.
    """
    if order_free(sql):
        return [[row for chain in chains for row in chain]]
    out: list[list[tuple[Any, ...]]] = []
    keys: list[set[Any]] = []
    for chain in chains:
        k = 0
        for row in chain:
            while k < len(out) and row[:1] and row[0] in keys[k]:
                k += 1
            if k == len(out):
                out.append([])
                keys.append(set())
            out[k].append(row)
            if row:
                keys[k].add(row[0])
            k += 1
    return out


async def set_based(conn: Any, sql: str) -> str | None:
    """The set-based form of ``sql`` (asks PostgreSQL for the parameter types once per SQL)."""
    if sql not in _CACHE:
        params = (await conn.prepare(sql)).get_parameters()
        ok = all(p.kind == "scalar" and p.schema == "pg_catalog" for p in params)
        _CACHE[sql] = rewrite(sql, [f"pg_catalog.{p.name}" for p in params]) if ok else None
    return _CACHE[sql]


async def execute_rows(conn: Any, sql: str, chains: Sequence[Sequence[tuple[Any, ...]]]) -> None:
    """Run every row of ``sql``: a few set-based statements (row by row if it has no such form)."""
    batched = await set_based(conn, sql)
    if batched is None:
        await conn.executemany(sql, [row for chain in chains for row in chain])
        return
    for rows in rounds(sql, chains):
        if len(rows) == 1:
            await conn.execute(sql, *rows[0])
        else:
            await conn.execute(batched, *(list(column) for column in zip(*rows, strict=True)))
