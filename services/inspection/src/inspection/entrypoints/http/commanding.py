"""Running a command from HTTP: idempotency key, transaction, domain errors as problems."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from inspection.adapters.unit_of_work import unit_of_work
from inspection.bootstrap import context
from inspection.domain.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from inspection.service_layer.ports import Context, UnitOfWork
from shared.http import idempotency
from shared.http.auth import Principal
from shared.http.problems import Problem
from shared.service import runtime_of

T = TypeVar("T")

_STATUS: dict[type[DomainError], int] = {
    InvalidInputError: 422,
    ConflictError: 409,
    ForbiddenError: 403,
    NotFoundError: 404,
}
_MAX_CORRELATION_ID = 200


def problem_of(error: DomainError) -> Problem:
    """The HTTP problem a domain refusal becomes."""
    status = next(code for kind, code in _STATUS.items() if isinstance(error, kind))
    return Problem(status, error.code, error.detail, extra=error.extra or None)


def _correlation_id(request: Request) -> str | None:
    value = request.headers.get("x-correlation-id")
    if value and len(value) <= _MAX_CORRELATION_ID and value.isprintable():
        return value
    return None


async def execute(  # noqa: PLR0913 - one command's independent parts, keyword-only
    request: Request,
    who: Principal,
    *,
    scope: str,
    payload: BaseModel | Mapping[str, Any] | None,
    run: Callable[[UnitOfWork, Context], Awaitable[T]],
    render: Callable[[T], BaseModel],
    status_code: int = 200,
) -> JSONResponse:
    """Run a use case in one transaction; a repeated Idempotency-Key replays the stored answer."""
    runtime = runtime_of(request)
    key = request.headers.get("idempotency-key")
    body = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    fingerprint = idempotency.fingerprint({"path": request.url.path, "body": body})
    ctx = context(runtime, who)
    try:
        async with unit_of_work(
            runtime.pool,
            ctx,
            schema=runtime.settings.schema_name,
            correlation_id=_correlation_id(request),
        ) as uow:
            if key is not None:
                stored = await idempotency.replay(
                    uow.conn, scope=scope, key=key, body_fingerprint=fingerprint, lock=False
                )
                if stored is not None:
                    return JSONResponse(stored.body, status_code=stored.status_code)
            content = render(await run(uow, ctx)).model_dump(mode="json")
            if key is not None:
                uow.answer = idempotency.Answer(scope, key, fingerprint, status_code, content)
    except Exception as error:
        # A concurrent request with the same key may have won it: then its answer is ours.
        if key is not None and (
            won := await idempotency.answer_after_failure(
                runtime.pool, scope=scope, key=key, body_fingerprint=fingerprint
            )
        ):
            return JSONResponse(won.body, status_code=won.status_code)
        if isinstance(error, DomainError):
            raise problem_of(error) from error
        raise
    return JSONResponse(content, status_code=status_code)
