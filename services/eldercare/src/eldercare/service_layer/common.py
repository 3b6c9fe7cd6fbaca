"""What every use case shares: the command base, field types, loading by id, free-text guard."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from eldercare.domain.errors import InvalidInputError, not_found, unknown_reference
from eldercare.service_layer.ports import Repository
from shared.clock import local_date
from shared.events.eldercare import Code
from shared.events.pii import find_pii

T = TypeVar("T")

__all__ = ["Code", "Command", "Count", "HumanCode", "Label", "Minor", "PersonalText", "Purpose"]

# Text without control characters: PostgreSQL refuses NUL, and no log line should carry others.
_PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
Label = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_PRINTABLE)]
HumanCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=_PRINTABLE)]
# Money in fen: a JSON integer, never a string or a float (DOMAIN §3.5); bounded for bigint.
Minor = Annotated[int, Field(strict=True, le=10**12)]
# A count that fits the database (beds, capacity, minutes); the domain refuses negatives by code.
Count = Annotated[int, Field(strict=True, le=100_000)]
# Free text that may hold personal data; it goes to the vault only, never into an event or log.
PersonalText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_PRINTABLE),
]
Purpose = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=200, pattern=_PRINTABLE),
]


class Command(BaseModel):
    """A command body: unknown fields are refused (no face image or card number slips in)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def new_id(requested: UUID | None) -> UUID:
    """The client's id (the demo loader supplies uuid5 ids) or a fresh one."""
    return requested or uuid.uuid4()


def today(now: datetime) -> date:
    """The Asia/Shanghai date of an instant (dates and ages are local)."""
    return local_date(now)


async def get_or_404(repo: Repository[T], id: UUID, kind: str, *, lock: bool = True) -> T:
    """The aggregate named in the path, locked, or 404."""
    found = await repo.get(id, lock=lock)
    if found is None:
        raise not_found(kind)
    return found


async def get_or_422(repo: Repository[T], id: UUID, kind: str, *, lock: bool = True) -> T:
    """The aggregate named in the body, locked, or 422 ``unknown_reference``."""
    found = await repo.get(id, lock=lock)
    if found is None:
        raise unknown_reference(kind)
    return found


def check_free_text(text: str | None) -> None:
    """Refuse an ID-card or mobile number in a note (DOMAIN §9.3, 422 ``pii_in_free_text``)."""
    if text and find_pii(text):
        raise InvalidInputError("pii_in_free_text", "请勿在描述中填写身份证号或手机号")


def not_after(at: datetime | None, now: datetime, field: str) -> datetime:
    """An instant given by the client (default now) that is not in the future."""
    if at is None:
        return now
    if at > now:
        raise InvalidInputError("in_future", f"{field}不能晚于当前时间")
    return at
