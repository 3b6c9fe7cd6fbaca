"""Reports: the year-to-date report (§10.2-10.4) and the lottery-fund announcement (§10.10)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from shared.http.auth import Principal
from shared.http.problems import problem_responses
from views.adapters import queries_funds, queries_report
from views.domain.announcement import announcement
from views.domain.report import build_report
from views.entrypoints.http.params import Window, read_model, window
from views.entrypoints.http.roles import reader

router = APIRouter(tags=["报告 reports"])

YearQ = Annotated[int | None, Query(description="统计年份，默认今年")]
AsOfQ = Annotated[date | None, Query(description="统计截止日（含当日，Asia/Shanghai），默认今天")]


async def ytd_document(conn: Any, win: Window) -> dict[str, Any]:
    """The year-to-date report document for a window (``conn``: one consistent read)."""
    # One snapshot for every figure: the numbers agree with each other and the watermark.
    values = await queries_report.metric_values(conn, win.year_start, win.as_of)
    names = await queries_report.campaign_names(conn, win.year_start, win.as_of)
    extras = await queries_report.extras(conn, win.year_start, win.as_of)
    marks = await queries_report.watermark(conn)
    return build_report(
        year=win.year,
        as_of=win.as_of.isoformat(),
        values=values,
        campaign_names=names,
        extras=extras,
        watermark=marks,
    )


@router.get(
    "/reports/ytd",
    summary="年度工作报告（截至某日）",
    # format=text answers the paragraphs as text/plain (documented, so clients may expect it).
    responses={
        200: {"content": {"application/json": {}, "text/plain": {"schema": {"type": "string"}}}},
        **problem_responses(401, 403, 422),
    },
)
async def ytd_report(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    year: YearQ = None,
    as_of: AsOfQ = None,
    fmt: Annotated[Literal["json", "text"], Query(alias="format")] = "json",
) -> Response:
    """Each metric's value, scope and display, plus the rendered Chinese paragraphs."""
    win = window(request, year, as_of)
    async with read_model(request) as conn:
        doc = await ytd_document(conn, win)
    if fmt == "text":
        return PlainTextResponse(doc["text"] + "\n")
    return JSONResponse(doc)


@router.get(
    "/reports/lottery-fund",
    summary="福彩公益金使用情况公告",
    responses=problem_responses(401, 403, 422),
)
async def lottery_fund(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    year: YearQ = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    """The year's welfare-lottery fund: credited, allocated, disbursed, and lines by purpose."""
    win = window(request, year, as_of)
    async with read_model(request) as conn:
        rows = await queries_funds.lottery_fund(conn, win.year, win.as_of)
    return announcement(
        year=win.year,
        as_of=win.as_of,
        funds=[dict(r) for r in rows["funds"]],
        lines=[dict(r) for r in rows["lines"]],
    )
