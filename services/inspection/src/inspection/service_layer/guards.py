"""Input guards shared by the use cases."""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from inspection.domain.errors import InvalidInputError, NotFoundError
from shared.events.pii import find_pii

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

PII_DETAIL = "请勿在描述中填写身份证号或手机号"


class _Gettable(Protocol[T_co]):
    async def get(self, id: uuid.UUID) -> T_co | None: ...


def no_pii(**texts: str | None) -> None:
    """422 pii_in_free_text when text holds an ID-card or mobile number (DOMAIN §9.3).

    Applied to the free text DOMAIN names (description, summary, note) and to every string
    that would be published in an event: the outbox's own guard would fail such a command
    with a 500, and bad input must never be a 500.
    """
    fields = [name for name, text in texts.items() if text and find_pii(text)]
    if fields:
        raise InvalidInputError("pii_in_free_text", PII_DETAIL, fields=fields)


async def existing(repo: _Gettable[T], id: uuid.UUID, what: str) -> T:
    """The aggregate, or 404."""
    item = await repo.get(id)
    if item is None:
        raise NotFoundError("not_found", f"{what}不存在")
    return item
