"""A table per aggregate: the dataclass's fields are the table's columns, one for one."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, Generic, TypeVar

import asyncpg

from inspection.domain.errors import ConflictError
from shared.db import Conn

T = TypeVar("T")

# Unique indexes whose violation is a domain conflict with its own code (a race the
# handler's own check could not see).
_CONFLICTS = {
    "campaigns_open_name": ("duplicate_campaign", "已有未结束的同名专项行动"),
}
# What a table's rows are called, for "this id is taken": a create inserts at once and lets
# the primary key refuse a used id, rather than reading first (one round trip less).
_NOUNS = {
    "campaigns": "专项行动",
    "inspections": "检查",
    "hazards": "隐患",
    "drills": "演练",
    "safety_talks": "宣讲",
    "safety_meetings": "会议",
    "work_notices": "工作提示",
    "surveys": "调研",
    "problems": "问题",
}


@dataclasses.dataclass(frozen=True)
class Statements:
    """The SQL of one table, built once from trusted names (never from input)."""

    columns: tuple[str, ...]
    select: str
    select_for_update: str
    insert: str
    update: str


_STATEMENTS: dict[tuple[str, type[Any]], Statements] = {}


def statements(table: str, model: type[Any]) -> Statements:
    """The statements of a table mapped to a dataclass (built once per table)."""
    key = (table, model)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _build(table, model)
    return _STATEMENTS[key]


def _build(table: str, model: type[Any]) -> Statements:
    columns = tuple(field.name for field in dataclasses.fields(model))
    names = ", ".join(columns)
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(columns, start=1) if c != "id")
    select = f"SELECT {names} FROM {table} WHERE id = $1"  # noqa: S608 - trusted identifiers
    return Statements(
        columns=columns,
        select=select,
        select_for_update=select + " FOR UPDATE",
        insert=f"INSERT INTO {table} ({names}) VALUES ({values})",  # noqa: S608 - trusted
        update=f"UPDATE {table} SET {sets} WHERE id = ${columns.index('id') + 1}",  # noqa: S608
    )


def to_model(model: type[T], row: asyncpg.Record) -> T:
    """A dataclass from a row with the same column names."""
    return model(**dict(row))


class PgTable(Generic[T]):
    """Load (locked), add and save one aggregate type in the caller's transaction."""

    def __init__(self, conn: Conn, table: str, model: type[T]) -> None:
        self._conn = conn
        self._model = model
        self._table = table
        self._sql = statements(table, model)

    async def get(self, id: uuid.UUID) -> T | None:
        """The aggregate, its row locked until the transaction ends."""
        row = await self._conn.fetchrow(self._sql.select_for_update, id)
        return None if row is None else to_model(self._model, row)

    async def add(self, item: T) -> None:
        """Insert a new aggregate; 409 already_exists when its id is taken."""
        try:
            await self._conn.execute(self._sql.insert, *self._values(item))
        except asyncpg.UniqueViolationError as exc:
            taken = f"该{_NOUNS.get(self._table, '记录')} id 已存在"
            code, detail = _CONFLICTS.get(exc.constraint_name or "", ("already_exists", taken))
            raise ConflictError(code, detail) from exc

    async def save(self, item: T) -> None:
        """Write back an aggregate loaded in this transaction."""
        await self._conn.execute(self._sql.update, *self._values(item))

    def _values(self, item: T) -> list[Any]:
        return [getattr(item, column) for column in self._sql.columns]
