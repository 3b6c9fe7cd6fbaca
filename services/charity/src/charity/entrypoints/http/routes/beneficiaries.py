"""Routes of beneficiaries (受助对象): registry, enrolments, deactivation, personal-data vault."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from charity.adapters import personal
from charity.adapters.unit_of_work import connection
from charity.adapters.vault import PostgresVault
from charity.domain.beneficiaries import VAULT_FIELDS
from charity.domain.commands import DeactivateBeneficiary, EnrolBeneficiary, RegisterBeneficiary
from charity.domain.text import reject_personal_data
from charity.entrypoints.http import responses as r, schemas as s
from charity.entrypoints.http.common import (
    COMMAND_ERRORS,
    READ_ERRORS,
    CharityRoute,
    Doc,
    cipher_of,
    execute,
)
from charity.entrypoints.http.deps import (
    AuditReader,
    Caseworker,
    Eraser,
    IdempotencyKey,
    PersonalDataReader,
    Reader,
)
from charity.service_layer import beneficiaries as handlers
from shared.http.problems import Problem
from shared.service import runtime_of

router = APIRouter(route_class=CharityRoute, tags=["受助对象 beneficiaries"])
Purpose = Annotated[str, Query(min_length=2, max_length=200, description="为何查看（审计）")]


async def _render(conn: asyncpg.Connection, beneficiary_id: UUID, request: Request) -> Doc | None:
    vault = PostgresVault(conn, cipher_of(runtime_of(request)))
    return await personal.beneficiary(conn, vault, beneficiary_id)


@router.post(
    "/beneficiaries",
    status_code=201,
    response_model=r.BeneficiaryResponse,
    responses=COMMAND_ERRORS,
    summary="登记受助对象",
)
async def register(
    body: s.RegisterBeneficiaryRequest,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Register a beneficiary; emits BeneficiaryRegistered (kind, links, county only).

    Personal fields are encrypted in the vault; the ID card is deduplicated by a keyed HMAC.
    """
    fields = body.model_dump(include=set(VAULT_FIELDS), exclude_none=True)
    cmd = RegisterBeneficiary(
        body.id or uuid4(),
        body.kind,
        body.county_code,
        elder_id=body.elder_id,
        institution_id=body.institution_id,
        personal=fields,
    )
    return await execute(
        request,
        who,
        scope="beneficiaries.register",
        payload=body,
        idempotency_key=key,
        action=lambda uow: handlers.register_beneficiary(uow, cmd),
        render=lambda conn, bid: _render(conn, bid, request),
        status_code=201,
    )


@router.post(
    "/beneficiaries/{beneficiary_id}/enrollments",
    response_model=r.BeneficiaryResponse,
    responses=COMMAND_ERRORS,
    summary="加入项目",
)
async def enrol(
    beneficiary_id: UUID,
    body: s.EnrolRequest,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Enrol in a project; emits BeneficiaryEnrolled. 送教上门 needs a disability category."""
    cmd = EnrolBeneficiary(beneficiary_id, body.project_id)
    return await execute(
        request,
        who,
        scope="beneficiaries.enrol",
        payload={"beneficiary_id": beneficiary_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.enrol(uow, cmd),
        render=lambda conn, bid: _render(conn, bid, request),
    )


@router.post(
    "/beneficiaries/{beneficiary_id}/deactivate",
    response_model=r.BeneficiaryResponse,
    responses=COMMAND_ERRORS,
    summary="停用受助对象",
)
async def deactivate(
    beneficiary_id: UUID,
    body: s.ReasonRequest,
    request: Request,
    who: Caseworker,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Stop all benefits; emits BeneficiaryDeactivated (automatic when a linked elder dies)."""
    cmd = DeactivateBeneficiary(beneficiary_id, body.reason_code)
    return await execute(
        request,
        who,
        scope="beneficiaries.deactivate",
        payload={"beneficiary_id": beneficiary_id, "body": body},
        idempotency_key=key,
        action=lambda uow: handlers.deactivate(uow, cmd),
        render=lambda conn, bid: _render(conn, bid, request),
    )


@router.get(
    "/beneficiaries/{beneficiary_id}",
    response_model=r.BeneficiaryResponse,
    responses=READ_ERRORS,
    summary="受助对象（个人信息脱敏）",
)
async def get_beneficiary(beneficiary_id: UUID, request: Request, _: Reader) -> Doc:
    """A beneficiary; personal data masked (张*三, 430***********123X)."""
    async with connection(runtime_of(request).pool) as conn:
        doc = await _render(conn, beneficiary_id, request)
    if doc is None:
        raise Problem(404, "not_found", "受助对象不存在")
    return doc


@router.get(
    "/beneficiaries/{beneficiary_id}/personal-data",
    response_model=r.PersonalDataResponse,
    responses={**READ_ERRORS, **COMMAND_ERRORS},
    summary="查看个人信息明文（留痕审计）",
)
async def read_personal_data(
    beneficiary_id: UUID, request: Request, who: PersonalDataReader, purpose: Purpose
) -> Doc:
    """The clear personal data (pii:read / child:read); every read writes an audit row."""
    # The purpose is kept in clear in the audit log, outside the vault and past an erasure.
    reject_personal_data(purpose=purpose)
    runtime = runtime_of(request)
    async with connection(runtime.pool) as conn, conn.transaction():
        found = await personal.personal_data(
            conn,
            PostgresVault(conn, cipher_of(runtime)),
            beneficiary_id,
            actor_id=who.person_id,
            actor_role=who.role,
            purpose=purpose,
            at=runtime.clock.now(),
        )
    if found is None:
        raise Problem(404, "not_found", "该对象没有个人信息，或已删除")
    return {"subject_id": beneficiary_id, "purpose": purpose, "fields": found}


@router.post(
    "/beneficiaries/{beneficiary_id}/erase",
    response_model=r.BeneficiaryResponse,
    responses=COMMAND_ERRORS,
    summary="删除个人信息（密钥销毁）",
)
async def erase(beneficiary_id: UUID, request: Request, _: Eraser) -> Doc:
    """Crypto-shred a beneficiary's personal data (its data key is destroyed); no event."""
    runtime = runtime_of(request)
    async with connection(runtime.pool) as conn, conn.transaction():
        vault = PostgresVault(conn, cipher_of(runtime))
        await personal.erase(conn, vault, beneficiary_id, runtime.clock.now())
        doc = await personal.beneficiary(conn, vault, beneficiary_id)
    if doc is None:
        raise Problem(404, "not_found", "受助对象不存在")
    return doc


@router.get(
    "/pii-audit",
    response_model=list[r.AuditEntryResponse],
    responses=READ_ERRORS,
    summary="个人信息查看审计记录",
)
async def audit_log(
    request: Request,
    _: AuditReader,
    subject_id: Annotated[UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Doc]:
    """Who read whose personal data, which fields, why and when."""
    async with connection(runtime_of(request).pool) as conn:
        return list(await personal.audit_log(conn, subject_id, limit))
