"""The bureau leadership's dashboard (驾驶舱): one page, its data, and its static files.

The page itself carries no data (like /docs it needs no token); its script reads the bearer token
from the URL fragment (``/#token=…``, never sent to the server) or asks for it, then fetches
``/dashboard/data``. Every text is inserted as text, never as markup.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from shared.http.auth import Principal
from shared.http.problems import Problem, problem_responses
from shared.service import runtime_of
from views.adapters import queries_funds, queries_views
from views.entrypoints.http.params import read_model, window
from views.entrypoints.http.reports import ytd_document
from views.entrypoints.http.roles import reader

router = APIRouter(tags=["驾驶舱 dashboard"])

STATIC = Path(__file__).parent / "static"
_FILES = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@router.get("/", response_class=HTMLResponse, summary="领导驾驶舱（页面）", include_in_schema=True)
async def page() -> Response:
    """The dashboard page (no data in it: its script fetches /dashboard/data with a token)."""
    html = await asyncio.to_thread((STATIC / "dashboard.html").read_text, "utf-8")
    return HTMLResponse(html, headers=_HEADERS)


@router.get("/static/{name}", summary="驾驶舱静态文件", include_in_schema=False)
async def static(name: str, request: Request) -> Response:
    """The dashboard's script and style, and the locally installed charting library."""
    if name == "echarts.min.js":
        path = Path(getattr(runtime_of(request).settings, "echarts_path", ""))
        if not await asyncio.to_thread(path.is_file):
            raise Problem(
                404, "chart_library_missing", "图表库未安装（在 services/views 运行 npm ci）"
            )
        return FileResponse(path, media_type="text/javascript", headers=_HEADERS)
    if name not in _FILES:
        raise Problem(404, "not_found", "没有这个文件")
    return FileResponse(STATIC / name, media_type=_FILES[name], headers=_HEADERS)


def _by_site(rows: list[Any]) -> list[dict[str, Any]]:
    """Sites with open hazards, most overdue first (the chart shows the top 15)."""
    items = [
        {
            "site_id": r["site_id"],
            "name": r["name"],
            "open": r["hazards_open"],
            "overdue": r["hazards_overdue"],
            "major_open": r["major_hazards_open"],
        }
        for r in rows
        if r["hazards_open"] > 0
    ]
    items.sort(key=lambda i: (-i["overdue"], -i["open"], i["name"]))
    return items[:15]


@router.get("/dashboard/data", summary="驾驶舱数据", responses=problem_responses(401, 403, 422))
async def data(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    year: Annotated[int | None, Query()] = None,
    as_of: Annotated[date | None, Query()] = None,
) -> dict[str, Any]:
    """Everything the dashboard draws, from the same queries as the report and the views."""
    win = window(request, year, as_of)
    async with read_model(request) as conn:
        report = await ytd_document(conn, win)
        sites = await queries_views.institutions(conn, win.year_start, win.as_of, None)
        campaigns = await queries_funds.hazards_by_campaign(conn, win.year_start, win.as_of)
        months = await queries_funds.by_month(conn, win.year_start, win.as_of)
        projects = await queries_funds.funds_by_project(conn, win.as_of)
        notifications = await queries_funds.notification_health(conn)
    return {
        "year": win.year,
        "as_of": win.as_of,
        "report": report,
        "hazards_by_site": _by_site(sites),
        "hazards_by_campaign": [dict(r) for r in campaigns],
        "by_month": [
            {
                "month": r["month"].strftime("%Y-%m"),
                **{k: r[k] for k in ("home_modifications", "meals")},
            }
            for r in months
        ],
        "funds_by_project": [dict(r) for r in projects],
        "notifications": notifications,
    }
