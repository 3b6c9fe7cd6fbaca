"""Domain refusals: a status class, a stable machine code and a Chinese detail for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A command refused by a rule; the HTTP layer turns it into problem+json."""

    status = 400

    def __init__(self, code: str, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra or {}


class InvalidInputError(DomainError):
    """The input itself is wrong (422)."""

    status = 422


class ConflictError(DomainError):
    """The input is fine but the state forbids it (409)."""

    status = 409


class NotFoundError(DomainError):
    """The addressed aggregate does not exist (404)."""

    status = 404


class ForbiddenError(DomainError):
    """The caller may not do this, for example a four-eyes violation (403)."""

    status = 403


def unknown_reference(what: str) -> InvalidInputError:
    """A referenced id is not (yet) known here; retryable once a replica catches up."""
    return InvalidInputError("unknown_reference", f"引用的{what}不存在或尚未同步，请稍后重试")


def invalid_state(what: str, status: str) -> ConflictError:
    """A transition that the aggregate's current status does not allow."""
    return ConflictError("invalid_state", f"{what}当前状态为 {status}，不能执行此操作")
