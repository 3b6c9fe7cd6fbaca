"""A small table mapper: one dataclass per table, columns named like its fields.

The SQL is built once per table from the dataclass's field names (code constants, never input),
so every repository shares one tested shape: get (optionally ``FOR UPDATE``), insert unless a
unique key is taken, update by id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from uuid import UUID

import asyncpg

T = TypeVar("T")
Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


class Table(Generic[T]):
    """How one aggregate type maps to one table."""

    def __init__(self, name: str, cls: type[T], *, codecs: Mapping[str, Codec] | None = None):
        self.name = name
        self.cls = cls
        self.columns = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        self.codecs = dict(codecs or {})
        cols = ", ".join(self.columns)
        params = ", ".join(f"${i}" for i in range(1, len(self.columns) + 1))
        sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(self.columns[1:], start=2))
        # Identifiers come from the dataclass, never from a request.
        self.select = f"SELECT {cols} FROM {name} WHERE id = $1"  # noqa: S608
        self.insert = (
            f"INSERT INTO {name} ({cols}) VALUES ({params}) "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING true"
        )
        self.update = f"UPDATE {name} SET {sets} WHERE id = $1"  # noqa: S608
        self.select_all = f"SELECT {cols} FROM {name}"  # noqa: S608

    def where(self, filters: Mapping[str, object]) -> tuple[str, list[object]]:
        """``WHERE a = $1 AND …`` for the given columns (unknown names are a programming error)."""
        unknown = set(filters) - set(self.columns)
        if unknown:
            raise ValueError(f"not columns of {self.name}: {sorted(unknown)}")
        used = [(c, v) for c, v in filters.items() if v is not None]
        clause = " AND ".join(f"{c} = ${i}" for i, (c, _) in enumerate(used, start=1))
        return (f" WHERE {clause}" if clause else ""), [v for _, v in used]

    def to_row(self, item: T) -> list[Any]:
        """Column values in column order."""
        values = []
        for column in self.columns:
            value = getattr(item, column)
            if column in self.codecs:
                value = self.codecs[column][0](value)
            values.append(value)
        return values

    def from_row(self, row: asyncpg.Record) -> T:
        """The dataclass of a row (arrays become tuples)."""
        values: dict[str, Any] = {}
        for column in self.columns:
            value = row[column]
            if column in self.codecs:
                value = self.codecs[column][1](value)
            elif isinstance(value, list):
                value = tuple(value)
            values[column] = value
        return self.cls(**values)

    def bind(self, conn: asyncpg.Connection) -> TableRepository[T]:
        """This table's repository on one connection (one transaction)."""
        return TableRepository(self, conn)


class TableRepository(Generic[T]):
    """The Repository port for one table on one connection."""

    def __init__(self, table: Table[T], conn: asyncpg.Connection) -> None:
        self._table = table
        self._conn = conn

    async def get(self, id: UUID, *, lock: bool = False) -> T | None:
        """The aggregate, row-locked until commit when ``lock``."""
        sql = self._table.select + (" FOR UPDATE" if lock else "")
        row = await self._conn.fetchrow(sql, id)
        return None if row is None else self._table.from_row(row)

    async def add(self, item: T) -> bool:
        """Insert; False when a unique key (the id or another) is already taken."""
        return bool(await self._conn.fetchval(self._table.insert, *self._table.to_row(item)))

    async def save(self, item: T) -> None:
        """Write every column back."""
        await self._conn.execute(self._table.update, *self._table.to_row(item))

    async def find(self, *, limit: int, offset: int, **filters: object) -> list[T]:
        """A page of aggregates whose columns equal the given values (None = any), by id."""
        where, args = self._table.where(filters)
        n = len(args)
        sql = f"{self._table.select_all}{where} ORDER BY id LIMIT ${n + 1} OFFSET ${n + 2}"
        rows = await self._conn.fetch(sql, *args, limit, offset)
        return [self._table.from_row(row) for row in rows]
