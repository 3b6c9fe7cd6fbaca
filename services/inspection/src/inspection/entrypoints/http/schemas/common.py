"""Types shared by the request and response models."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from inspection.domain.sites import BUREAU_SITE_ID

M = TypeVar("M", bound=BaseModel)

# Free text is stored here only (never in events); description/summary/note are PII-scanned.
FreeText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
HumanCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
    Field(description="ASCII machine code, e.g. FLOOD_DUTY"),
]
SiteRef = Annotated[
    uuid.UUID | Literal["BUREAU"],
    Field(description="Institution id from the replica, or BUREAU (the bureau itself)"),
]


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 0001-01-01 at a positive offset (or 9999-12-31 at a negative one) is no UTC instant:
        # a ValueError makes it 422 invalid_input; the OverflowError was a 500.
        raise ValueError("the instant is out of range") from None


# Instants are stored and published in UTC (DOMAIN §3.2), whatever offset the caller used.
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
Limit = Annotated[int, Query(ge=1, le=500, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip")]
# A status/level/scale filter: an upper-case code (anything else cannot match anyway).
FilterCode = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Z0-9_]+$")]
# Counts of people: bounded so that no number overflows a database integer (never a 500).
Headcount = Annotated[int, Field(le=1_000_000)]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


class Request(BaseModel):
    """A command body: unknown fields and control characters are refused (422 invalid_input)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _no_control_characters(self) -> Any:
        for name in type(self).model_fields:
            if any(_CONTROL.search(text) for text in _strings(getattr(self, name))):
                raise ValueError(f"{name}: control characters are not allowed")
        return self


class Response(BaseModel):
    """An aggregate's state; ``aggregate_version`` counts its events."""

    aggregate_version: int


def site_id_of(ref: uuid.UUID | str) -> uuid.UUID:
    """The id of a site reference (``BUREAU`` is the bureau's fixed id)."""
    return BUREAU_SITE_ID if ref == "BUREAU" else uuid.UUID(str(ref))


def render(model: type[M], item: Any) -> M:
    """A response model from a domain dataclass (``version`` becomes ``aggregate_version``)."""
    values = dataclasses.asdict(item)
    values["aggregate_version"] = values.pop("version")
    return model.model_validate(values)


class ReasonRequest(Request):
    """Why: a machine reason code (DOMAIN's ``{reason}`` is accepted too) and an optional note."""

    reason_code: Code
    note: FreeText | None = None

    @model_validator(mode="before")
    @classmethod
    def _reason_is_the_code(cls, data: Any) -> Any:
        if isinstance(data, dict) and "reason" in data and "reason_code" not in data:
            data = {("reason_code" if k == "reason" else k): v for k, v in data.items()}
        return data
