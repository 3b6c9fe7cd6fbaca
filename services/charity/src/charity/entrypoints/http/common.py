"""What every charity route shares: error translation, the command runner, the principal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from charity.adapters.unit_of_work import PostgresUnitOfWork, connection
from charity.adapters.vault import Cipher, VaultUnavailableError
from charity.config import Settings
from charity.domain.commands import Actor
from charity.domain.errors import DomainError
from shared.http import idempotency
from shared.http.auth import Principal
from shared.http.problems import Problem, problem_responses
from shared.service import Runtime, runtime_of

Doc = dict[str, Any]
Render = Callable[[asyncpg.Connection, UUID], Awaitable[Doc | None]]
Action = Callable[[PostgresUnitOfWork], Awaitable[UUID]]

REPLAYED_HEADER = "Idempotent-Replayed"
COMMAND_ERRORS = problem_responses(401, 403, 404, 409, 422)
READ_ERRORS = problem_responses(401, 403, 404)


class CharityRoute(APIRoute):
    """Turns domain refusals into problem+json, and bad money into ``invalid_amount``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def translating(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                raise Problem(exc.status, exc.code, exc.detail, extra=exc.extra) from None
            except VaultUnavailableError:
                raise Problem(
                    503, "vault_unavailable", "个人信息保险库未配置或密钥不可用"
                ) from None
            except RequestValidationError as exc:
                if _money_error(exc):
                    raise Problem(
                        422,
                        "invalid_amount",
                        "金额须为大于 0 的整数（单位：分），不能是小数、字符串或科学计数法",
                        extra={"errors": _fields(exc)},
                    ) from None
                raise

        return translating


def _fields(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Locations and types only: the offending value is never echoed.
    return [
        {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", "")} for e in exc.errors()
    ]


def _money_error(exc: RequestValidationError) -> bool:
    return any(
        any(isinstance(p, str) and p.endswith("_minor") for p in e.get("loc", ()))
        for e in exc.errors()
    )


def settings_of(runtime: Runtime) -> Settings:
    """The charity settings of the running service."""
    settings = runtime.settings
    if not isinstance(settings, Settings):
        raise TypeError("the charity service runs with charity.config.Settings")
    return settings


def cipher_of(runtime: Runtime) -> Cipher | None:
    """The vault cipher, or None when the keys are not configured (vault use is then 503)."""
    settings = settings_of(runtime)
    if settings.vault_key is None or settings.pii_pepper is None:
        return None
    return Cipher.from_settings(settings)


def actor(who: Principal) -> Actor:
    """The domain's view of the caller."""
    return Actor(person_id=who.person_id, role=who.role)


def unit_of_work(
    runtime: Runtime, conn: asyncpg.Connection, who: Principal, request: Request
) -> PostgresUnitOfWork:
    """A unit of work on ``conn`` for this request."""
    settings = settings_of(runtime)
    return PostgresUnitOfWork(
        conn,
        now=runtime.clock.now(),
        schema=settings.schema_name,
        cipher=cipher_of(runtime),
        next_year_use=settings.lottery_next_year_use,
        actor=str(who.person_id),
        correlation_id=request.headers.get("x-correlation-id"),
    )


async def execute(  # noqa: PLR0913 - the command's whole context, keyword-only
    request: Request,
    who: Principal,
    *,
    scope: str,
    payload: Any,
    idempotency_key: str | None,
    action: Action,
    render: Render,
    status_code: int = 200,
) -> JSONResponse:
    """Run a command in one transaction: idempotency, state change, outbox, response."""
    runtime = runtime_of(request)
    fingerprint = idempotency.fingerprint(jsonable_encoder(payload))
    try:
        async with connection(runtime.pool) as conn, conn.transaction():
            if idempotency_key is not None:
                stored = await idempotency.replay(
                    conn, scope=scope, key=idempotency_key, body_fingerprint=fingerprint, lock=False
                )
                if stored is not None:
                    headers = {REPLAYED_HEADER: "true"}
                    return JSONResponse(
                        stored.body, status_code=stored.status_code, headers=headers
                    )
            uow = unit_of_work(runtime, conn, who, request)
            aggregate_id = await action(uow)
            body = jsonable_encoder(await render(conn, aggregate_id))
            answer = None
            if idempotency_key is not None:
                answer = idempotency.Answer(scope, idempotency_key, fingerprint, status_code, body)
            # The events and the answer in one statement, the last before the commit.
            await uow.flush(answer=answer)
    except Exception:
        # A concurrent request with the same key may have won it: then its answer is ours.
        if idempotency_key is not None and (
            won := await idempotency.answer_after_failure(
                runtime.pool, scope=scope, key=idempotency_key, body_fingerprint=fingerprint
            )
        ):
            headers = {REPLAYED_HEADER: "true"}
            return JSONResponse(won.body, status_code=won.status_code, headers=headers)
        raise
    return JSONResponse(body, status_code=status_code)


async def read(request: Request, render: Render, aggregate_id: UUID, what: str) -> Doc:
    """One aggregate's state, or 404."""
    async with connection(runtime_of(request).pool) as conn:
        doc = await render(conn, aggregate_id)
    if doc is None:
        raise Problem(404, "not_found", f"{what}不存在")
    return doc
