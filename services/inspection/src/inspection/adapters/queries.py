"""Read side: aggregates for GET routes, without locks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

import asyncpg

from inspection.adapters.tables import statements, to_model

T = TypeVar("T")

# A filter is a SQL condition on trusted column names with ``{}`` where its parameter goes;
# a tuple value fills several ``{}`` in order.
Filter = tuple[str, Any]


async def fetch_one(pool: asyncpg.Pool, table: str, model: type[T], item_id: uuid.UUID) -> T | None:
    """One aggregate by id."""
    row = await pool.fetchrow(statements(table, model).select, item_id)
    return None if row is None else to_model(model, row)


async def fetch_many(  # noqa: PLR0913 - a query's independent parts, keyword-only
    pool: asyncpg.Pool,
    table: str,
    model: type[T],
    *,
    filters: Sequence[Filter] = (),
    order_by: str = "id",
    limit: int = 100,
    offset: int = 0,
) -> list[T]:
    """A page of aggregates matching every filter (filters whose value is None are skipped)."""
    base = statements(table, model).select.split(" WHERE ")[0]
    conditions: list[str] = []
    params: list[Any] = []
    for condition, value in filters:
        if value is None:
            continue
        values = value if isinstance(value, tuple) else (value,)
        start = len(params) + 1
        params.extend(values)
        conditions.append(condition.format(*(f"${start + i}" for i in range(len(values)))))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    params += [limit, offset]
    sql = f"{base}{where} ORDER BY {order_by} LIMIT ${len(params) - 1} OFFSET ${len(params)}"
    rows = await pool.fetch(sql, *params)
    return [to_model(model, row) for row in rows]


async def sites(pool: asyncpg.Pool, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """The site replica."""
    rows = await pool.fetch(
        "SELECT id, kind, status, county_code, version FROM site_replica"
        " ORDER BY id LIMIT $1 OFFSET $2",
        limit,
        offset,
    )
    return [dict(row) for row in rows]


async def cadence_breaches(
    pool: asyncpg.Pool, *, person_id: uuid.UUID | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Judged cadence periods that were breached."""
    rows = await pool.fetch(
        "SELECT person_id, period_kind, period_key, period_start_on, period_end_on, evaluated_at"
        " FROM cadence_evaluations WHERE breached AND ($1::uuid IS NULL OR person_id = $1)"
        " ORDER BY period_start_on, person_id LIMIT $2 OFFSET $3",
        person_id,
        limit,
        offset,
    )
    return [dict(row) for row in rows]
