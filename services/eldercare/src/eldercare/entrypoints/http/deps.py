"""Running a use case from a route: unit of work, idempotency, errors as problem+json."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from eldercare.adapters.crypto import CipherError
from eldercare.bootstrap import PgUnitOfWork, Wiring
from eldercare.domain.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    VaultUnavailable,
)
from eldercare.entrypoints.http.roles import scopes_of
from eldercare.service_layer.ports import Actor
from shared.http import idempotency
from shared.http.auth import Principal
from shared.http.problems import Problem
from shared.service import runtime_of

R = TypeVar("R")

_STATUS: dict[type[DomainError], int] = {
    InvalidInputError: 422,
    ConflictError: 409,
    NotFoundError: 404,
    ForbiddenError: 403,
}

CountyFilter = Annotated[
    str | None,
    Query(max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="County code"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Replays with the same key and body return the first response",
        max_length=idempotency.MAX_KEY_LENGTH,
    ),
]


def wiring_of(request: Request) -> Wiring:
    """The wiring the service definition carries."""
    wiring: Wiring = runtime_of(request).definition.wiring  # type: ignore[attr-defined]
    return wiring


def problem_of(error: DomainError, principal: Principal) -> Problem:
    """A domain refusal as problem+json; private details only for readers of personal data."""
    extra = dict(error.extra)
    if error.private and "pii:read" in scopes_of(principal):
        extra.update(error.private)
    return Problem(_STATUS[type(error)], error.code, error.detail, extra=extra)


def _fingerprint(wiring: Wiring, scope: str, body: Any) -> str:
    # Keyed when the vault has a key: request bodies may hold personal data, and a plain
    # SHA-256 of a body with an ID-card number in it could be confirmed by guessing.
    if wiring.keyring is None:
        return idempotency.fingerprint(body)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return wiring.keyring.blind_index(f"idempotency:{scope}", canonical).hex()


async def run(  # noqa: PLR0913 - a route's whole context, keyword-only
    request: Request,
    principal: Principal,
    action: Callable[[PgUnitOfWork], Awaitable[R]],
    render: Callable[[R], BaseModel | list[Any] | dict[str, Any]],
    *,
    status_code: int = 200,
    key: str | None = None,
    body: BaseModel | None = None,
    path: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Run one use case in one transaction and answer with its rendered result.

    With an ``Idempotency-Key``, a replay of the same request returns the stored response and
    a different request under the same key is 422 ``idempotency_key_reused``.
    """
    runtime = runtime_of(request)
    wiring = wiring_of(request)
    actor = Actor(person_id=principal.person_id, role=principal.role)
    scope = f"{request.method} {request.scope['route'].path}"
    document = {"path": {k: str(v) for k, v in (path or {}).items()}, "body": _dump(body)}
    fingerprint = _fingerprint(wiring, scope, document) if key else ""
    try:
        with _as_problems(principal):
            async with wiring.unit_of_work(
                runtime.pool,
                runtime.clock,
                actor,
                correlation_id=request.headers.get("x-correlation-id"),
            ) as uow:
                if key:
                    stored = await uow.replay(scope=scope, key=key, fingerprint=fingerprint)
                    if stored is not None:
                        return JSONResponse(stored.body, status_code=stored.status_code)
                result = await action(uow)
                content = _json(render(result))
                if key:
                    uow.remember(
                        scope=scope,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=status_code,
                        body=content,
                    )
    except Exception:
        # A concurrent request with the same key may have won it: then its answer is ours.
        if key and (
            won := await idempotency.answer_after_failure(
                runtime.pool, scope=scope, key=key, body_fingerprint=fingerprint
            )
        ):
            return JSONResponse(won.body, status_code=won.status_code)
        raise
    return JSONResponse(content, status_code=status_code)


@contextlib.contextmanager
def _as_problems(principal: Principal) -> Iterator[None]:
    """Domain refusals and a closed vault become problem+json (the transaction rolled back)."""
    try:
        yield
    except DomainError as error:
        raise problem_of(error, principal) from None
    except VaultUnavailable:
        raise Problem(503, "vault_not_configured", "个人信息保险库未配置密钥，暂不可用") from None
    except CipherError:
        raise Problem(503, "vault_key_missing", "个人信息密钥不可用，请联系管理员") from None


def _dump(body: BaseModel | None) -> Any:
    return None if body is None else body.model_dump(mode="json")


def _json(value: BaseModel | list[Any] | dict[str, Any]) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json(v) if isinstance(v, BaseModel) else v for v in value]
    return value
