"""The personal-data audit log and vault key rotation."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from eldercare.entrypoints.http.deps import run, wiring_of
from eldercare.entrypoints.http.roles import Admin, AuditReader
from eldercare.entrypoints.http.schemas import AuditEntryOut, VaultRotated
from shared.http.problems import problem_responses

router = APIRouter(tags=["个人信息审计 personal-data audit"])


@router.get(
    "/audit/personal-data",
    response_model=list[AuditEntryOut],
    summary="个人信息访问审计记录",
    responses=problem_responses(401, 403, 422),
)
async def audit_log(
    request: Request,
    who: AuditReader,
    subject_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> JSONResponse:
    """Who read, changed or erased whose personal data, which fields, why and when (no values)."""
    return await run(
        request,
        who,
        lambda uow: uow.vault.audit_log(subject_id=subject_id, limit=limit, offset=offset),
        lambda entries: [AuditEntryOut.of(e) for e in entries],
    )


@router.post(
    "/_admin/vault/rotate",
    response_model=VaultRotated,
    summary="用当前主密钥重新封装数据密钥",
    responses=problem_responses(401, 403, 503),
)
async def rotate(request: Request, who: Admin) -> JSONResponse:
    """Re-wrap every subject's data key still under a retired VAULT key (data is untouched)."""
    wiring = wiring_of(request)
    key_id = wiring.keyring.current_id if wiring.keyring else ""
    return await run(
        request,
        who,
        lambda uow: uow.vault.rewrap(),
        lambda count: VaultRotated(rewrapped=count, key_id=key_id),
    )
