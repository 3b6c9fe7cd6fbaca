"""Bearer tokens mapped to roles: 401 without a valid token, 403 for the wrong role."""

from __future__ import annotations

import hmac
import json
import re
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from shared.http.problems import Problem
from shared.settings import ServiceSettings

STAFF_NS = uuid.UUID("0b7e6a3c-8f1d-5c2e-b4a9-3d6f1e2c7a58")
_SECOND_PERSON = re.compile(r"^(?P<role>.+?)_(?P<n>\d+)$")


@dataclass(frozen=True)
class Principal:
    """Who called: a role, and an opaque person id (never a name)."""

    key: str
    role: str
    person_id: uuid.UUID


def principal_for(key: str) -> Principal:
    """The principal of a token key: ``approver_2`` is a second person with role ``approver``."""
    match = _SECOND_PERSON.match(key)
    role = match.group("role") if match else key
    return Principal(key=key, role=role, person_id=uuid.uuid5(STAFF_NS, f"staff:{key}"))


class TokenStore:
    """Token → principal, compared in constant time."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        self._by_key = {key: token.encode() for key, token in tokens.items() if token}
        self._principals = {key: principal_for(key) for key in self._by_key}

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> TokenStore:
        """Read ``{key: token}`` from the inline JSON or the file the settings name."""
        if settings.auth_tokens_json is not None:
            data: Any = json.loads(settings.auth_tokens_json.get_secret_value())
        elif settings.auth_tokens_file is not None:
            data = json.loads(settings.auth_tokens_file.read_text("utf-8"))
        else:
            data = {}
        return cls({str(k): str(v) for k, v in data.items()})

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a token, or None."""
        found = None
        presented = token.encode()
        for key, known in self._by_key.items():
            if hmac.compare_digest(known, presented):
                found = key
        return self._principals[found] if found else None


def bearer(request: Request) -> Principal:
    """The caller, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthenticated", "缺少有效的访问令牌（Authorization: Bearer）")
    store: TokenStore = request.app.state.tokens
    principal = store.authenticate(token.strip())
    if principal is None:
        raise Problem(401, "unauthenticated", "访问令牌无效")
    return principal


def require(*roles: str) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """A dependency admitting only the given roles (admin is not implied: grant it explicitly)."""
    allowed = frozenset(roles)

    async def dependency(request: Request) -> Principal:
        principal = bearer(request)
        if principal.role not in allowed:
            raise Problem(
                403,
                "forbidden_role",
                f"角色 {principal.role} 无权执行此操作（允许：{'、'.join(sorted(allowed))}）",
            )
        return principal

    dependency.__name__ = f"require_{'_'.join(sorted(allowed))}"
    return dependency
