"""What the read routes share: the year and report date (as_of), and the consistent read."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request

from shared.clock import local_date
from shared.http.problems import Problem
from shared.service import runtime_of
from views.adapters.reading import consistent_read
from views.adapters.sets import ensure_active
from views.domain.projections import PROJECTIONS


@dataclass(frozen=True)
class Window:
    """The counting window: 1 January of ``year`` up to ``as_of`` inclusive (local dates)."""

    year: int
    as_of: date

    @property
    def year_start(self) -> date:
        """1 January of the year."""
        return date(self.year, 1, 1)


def window(request: Request, year: int | None, as_of: date | None) -> Window:
    """The window a request asks for; defaults: this year, up to today (Asia/Shanghai)."""
    today = local_date(runtime_of(request).clock.now())
    if year is None:
        year = as_of.year if as_of is not None else today.year
    if not 2000 <= year <= 2100:  # the fiscal years funds accept
        raise Problem(422, "invalid_year", "年份应在 2000 至 2100 之间")
    if as_of is None:
        as_of = min(today, date(year, 12, 31)) if year <= today.year else date(year, 12, 31)
    if as_of.year != year:
        raise Problem(422, "as_of_outside_year", "统计截止日期（as_of）必须在所选年份之内")
    return Window(year=year, as_of=as_of)


@contextlib.asynccontextmanager
async def read_model(request: Request, *, write: bool = False) -> AsyncIterator[Any]:
    """A connection reading one state of the read model (never a half-switched one)."""
    runtime = runtime_of(request)
    if not getattr(request.app.state, "views_sets_ready", False):
        # The monitor task makes the table sets at start, but a read may come first (a 500 on a
        # fresh service otherwise): make sure once per process, cheap when they exist.
        async with runtime.pool.acquire() as conn:
            for projection in PROJECTIONS:
                async with conn.transaction():
                    await ensure_active(conn, runtime.settings.schema_name, projection)
        request.app.state.views_sets_ready = True
    async with consistent_read(runtime.pool, runtime.settings.schema_name, write=write) as conn:
        yield conn
