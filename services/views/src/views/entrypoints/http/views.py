"""Cross-department views: institution 360, elder 360 (audited), hazard ledger, cadence, notices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from shared.events.pii import find_pii
from shared.http.auth import Principal
from shared.http.problems import Problem, problem_responses
from shared.service import runtime_of
from views.adapters import queries_views as q
from views.entrypoints.http.params import read_model, window
from views.entrypoints.http.roles import HEALTH_ROLES, auditor, elder_reader, reader

router = APIRouter(tags=["视图 views"])

YearQ = Annotated[int | None, Query(description="统计年份，默认今年")]
AsOfQ = Annotated[date | None, Query(description="统计截止日（含当日，Asia/Shanghai），默认今天")]
_RISK_DRILL_DAYS = 120
_HEALTH_FIELDS = ("wristband_active", "missing_cases", "missing_open")


def _institution(row: Any, as_of: date) -> dict[str, Any]:
    doc = dict(row)
    last_drill, last_inspection = doc["last_drill_on"], doc["last_inspection_on"]
    doc["at_risk"] = bool(
        doc["hazards_overdue"] > 0
        or doc["major_hazards_open"] > 0
        or last_drill is None
        or last_drill < as_of - timedelta(days=_RISK_DRILL_DAYS)
        or last_inspection is None
    )
    return doc


@router.get(
    "/views/institutions/{site_id}",
    summary="机构360：安全、服务、资金",
    responses=problem_responses(401, 403, 404, 422),
)
async def institution(
    site_id: UUID,
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    """One site's safety, services and funds up to the report date."""
    win = window(request, None, as_of)
    async with read_model(request) as conn:
        row = await q.institution(conn, win.year_start, win.as_of, site_id)
    if row is None:
        raise Problem(404, "unknown_site", "没有这个机构")
    return {"as_of": win.as_of, **_institution(row, win.as_of)}


@router.get(
    "/views/institutions", summary="机构360列表（风险优先）", responses=problem_responses(401, 403)
)
async def institutions(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    as_of: AsOfQ = None,
    county: Annotated[str | None, Query(max_length=16)] = None,
    risk: Annotated[
        bool | None, Query(description="只看有风险（true）或无风险（false）的机构")
    ] = None,
) -> dict[str, Any]:
    """Every active site, overdue and major hazards first."""
    win = window(request, None, as_of)
    async with read_model(request) as conn:
        rows = await q.institutions(conn, win.year_start, win.as_of, county)
    items = [_institution(r, win.as_of) for r in rows]
    if risk is not None:
        items = [i for i in items if i["at_risk"] == risk]
    return {"as_of": win.as_of, "count": len(items), "items": items}


@router.get(
    "/views/elders/{elder_id}",
    summary="老年人360（需授权，每次查看留痕）",
    responses=problem_responses(401, 403, 404, 422),
)
async def elder(
    elder_id: UUID,
    request: Request,
    who: Annotated[Principal, Depends(elder_reader)],
    as_of: AsOfQ = None,
    # No control characters: the purpose is stored in the audit trail (a NUL was a 500).
    purpose: Annotated[
        str,
        Query(min_length=2, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$", description="查看目的"),
    ] = "个案服务",
) -> dict[str, Any]:
    """One elder's services (opaque ids only: personal details stay in eldercare's vault)."""
    if find_pii(purpose):
        # The purpose is stored in the audit trail, and views never stores personal data.
        raise Problem(422, "pii_in_free_text", "请勿在查看目的中填写身份证号或手机号")
    win = window(request, None, as_of)
    runtime = runtime_of(request)
    health = who.role in HEALTH_ROLES
    async with read_model(request, write=True) as conn:
        row = await q.elder(conn, win.year_start, win.as_of, elder_id)
        fields = "elder360" + ("+health" if health else "")
        await conn.execute(
            "INSERT INTO elder_read_audit (actor_person_id, actor_role, elder_id, fields, purpose,"
            " found, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            who.person_id,
            who.role,
            elder_id,
            fields,
            purpose,
            row is not None,
            runtime.clock.now(),
        )
    if row is None:
        raise Problem(404, "unknown_elder", "没有这位老年人的档案")
    doc = dict(row)
    withheld = [] if health else list(_HEALTH_FIELDS)
    for key in withheld:
        doc[key] = None
    text = str(elder_id)
    return {
        "as_of": win.as_of,
        **doc,
        "elder_ref": f"{text[:4]}…{text[-4:]}",
        "withheld": withheld,
        "personal_details": {
            "service": "eldercare",
            "path": f"/elders/{elder_id}",
            "note": "姓名、身份证号等个人信息仅在养老服务系统中按权限查看并留痕",
        },
    }


@router.get(
    "/views/elders/{elder_id}/reads",
    summary="老年人360查看记录（审计）",
    responses=problem_responses(401, 403),
)
async def elder_reads(
    elder_id: UUID, request: Request, _: Annotated[Principal, Depends(auditor)]
) -> dict[str, Any]:
    """Who looked at this elder's 360 view, when and why."""
    async with runtime_of(request).pool.acquire() as conn:  # the audit log, no p_* table
        rows = await conn.fetch(
            "SELECT actor_person_id, actor_role, fields, purpose, found, read_at"
            " FROM elder_read_audit WHERE elder_id = $1 ORDER BY read_at, audit_id",
            elder_id,
        )
    return {"elder_id": elder_id, "reads": [dict(r) for r in rows]}


@router.get("/views/hazards", summary="隐患整改台账", responses=problem_responses(401, 403, 422))
async def hazards(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    open_only: Annotated[bool, Query(alias="open", description="只看未销号隐患")] = True,
    site_id: UUID | None = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    """The rectification ledger: overdue and escalated first, then by deadline."""
    win = window(request, None, as_of)
    async with read_model(request) as conn:
        rows = await q.hazard_ledger(
            conn, win.as_of, include_verified=not open_only, site_id=site_id
        )
    return {"as_of": win.as_of, "count": len(rows), "items": [dict(r) for r in rows]}


@router.get(
    "/views/cadence", summary="领导带班检查落实情况", responses=problem_responses(401, 403, 422)
)
async def cadence(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    year: YearQ = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    """Closed periods without a qualifying inspection, checked against the recorded breaches."""
    win = window(request, year, as_of)
    async with read_model(request) as conn:
        found = await q.cadence(conn, win.year_start, win.as_of)
    computed = [dict(r) for r in found["computed"]]
    recorded = [dict(r) for r in found["recorded"]]

    def keys(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((r["person_id"], r["cadence"], r["period_key"]) for r in rows)

    return {
        "year": win.year,
        "as_of": win.as_of,
        "breaches": computed,
        "recorded_breaches": recorded,
        "consistent": keys(computed) == keys(recorded),
        "requirements": [dict(r) for r in found["requirements"]],
    }


@router.get(
    "/views/work-notices", summary="工作提示签收情况", responses=problem_responses(401, 403, 422)
)
async def work_notices(
    request: Request,
    _: Annotated[Principal, Depends(reader)],
    year: YearQ = None,
    as_of: AsOfQ = None,
) -> dict[str, Any]:
    """Each notice of the year: targets, acknowledged, and the sites still to acknowledge."""
    win = window(request, year, as_of)
    async with read_model(request) as conn:
        found = await q.work_notices(conn, win.year_start, win.as_of)
    unacked: dict[Any, list[dict[str, Any]]] = {}
    for r in found["unacked"]:
        unacked.setdefault(r["notice_id"], []).append(
            {"site_id": r["site_id"], "site_name": r["site_name"]}
        )
    items = [
        {**dict(n), "unacked_sites": unacked.get(n["notice_id"], [])} for n in found["notices"]
    ]
    return {"year": win.year, "as_of": win.as_of, "items": items}
