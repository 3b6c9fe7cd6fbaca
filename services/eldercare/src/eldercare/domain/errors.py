"""Domain refusals: a stable machine ``code`` and a Chinese ``detail`` for people.

The entrypoints map each kind to its HTTP status once. A message never quotes the input: it may
be an ID-card or a phone number.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A command refused by a rule; nothing was changed."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        extra: dict[str, Any] | None = None,
        private: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.extra = extra or {}
        # Shown only to callers allowed to read personal data (e.g. the duplicate's elder id).
        self.private = private or {}


class InvalidInputError(DomainError):
    """The input breaks a rule by itself (HTTP 422)."""


class ConflictError(DomainError):
    """The input clashes with the current state (HTTP 409)."""


class NotFoundError(DomainError):
    """The addressed aggregate does not exist (HTTP 404)."""


class ForbiddenError(DomainError):
    """The caller may not do this (HTTP 403)."""


class VaultUnavailable(Exception):  # noqa: N818 - a state, not an error of the caller
    """The personal-data vault has no key configured (HTTP 503)."""


def not_found(kind: str) -> NotFoundError:
    """The 404 of an unknown id in the path."""
    return NotFoundError("not_found", f"{kind}不存在")


def unknown_reference(kind: str) -> InvalidInputError:
    """The 422 of an unknown id in the body (DOMAIN §3.8)."""
    return InvalidInputError("unknown_reference", f"引用的{kind}不存在")


def invalid_state(what: str) -> ConflictError:
    """The 409 of a transition not allowed from the current state."""
    return ConflictError("invalid_state", f"当前状态不允许{what}")


def in_future(field: str) -> InvalidInputError:
    """The 422 of an instant later than now."""
    return InvalidInputError("in_future", f"{field}不能晚于当前时间")
