"""Typing of database connections in notify's adapters."""

from __future__ import annotations

from typing import Any, TypeAlias

# A pooled connection (asyncpg's PoolConnectionProxy) or a plain one: they share the API, but the
# stubs type them apart, so adapters accept either.
Conn: TypeAlias = Any
