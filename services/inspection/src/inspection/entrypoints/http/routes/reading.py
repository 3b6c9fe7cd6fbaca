"""Helpers of the read routes."""

from __future__ import annotations

import uuid
from typing import TypeVar

from fastapi import Request

from inspection.adapters import queries
from shared.http.problems import Problem
from shared.service import runtime_of

T = TypeVar("T")


async def one(request: Request, table: str, model: type[T], item_id: uuid.UUID, what: str) -> T:
    """One aggregate by id, or 404."""
    item = await queries.fetch_one(runtime_of(request).pool, table, model, item_id)
    if item is None:
        raise Problem(404, "not_found", f"{what}不存在")
    return item
