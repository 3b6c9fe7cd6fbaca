"""Domain errors: each carries a stable machine code and a Chinese detail for people."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A command the domain refuses; nothing changes and nothing is emitted."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra


class InvalidInputError(DomainError):
    """The command's input breaks a rule (HTTP 422)."""


class ConflictError(DomainError):
    """The aggregate's state or a uniqueness rule forbids the command (HTTP 409)."""


class ForbiddenError(DomainError):
    """The actor may not do this, whatever the input (HTTP 403)."""


class NotFoundError(DomainError):
    """The aggregate named by the command does not exist (HTTP 404)."""


def invalid_state(what: str, status: str) -> ConflictError:
    """The usual refusal of a transition from the wrong state."""
    return ConflictError("invalid_state", f"{what}当前状态为 {status}，不能执行此操作")


def unknown_reference(what: str) -> InvalidInputError:
    """A reference to something this service does not know (yet): retryable."""
    return InvalidInputError("unknown_reference", f"引用的{what}不存在（若刚登记，请稍后重试）")


def in_future(what: str) -> InvalidInputError:
    """An instant after the service's clock."""
    return InvalidInputError("in_future", f"{what}不能晚于当前时间")
