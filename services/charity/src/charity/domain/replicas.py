"""Local copies of eldercare's elders and institutions, built from events (no synchronous calls).

Events of one aggregate arrive in order, but a replica may start late or see an event twice, so
each fact is applied idempotently and a status only moves forward by aggregate version. A death
or move-out seen before the registration is kept and stays in force when the registration
arrives: terminal statuses are never undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from uuid import UUID


class ElderStatus(StrEnum):
    """The elder's status as eldercare announced it."""

    ACTIVE = "ACTIVE"
    DECEASED = "DECEASED"
    MOVED_OUT = "MOVED_OUT"


# Why a beneficiary was deactivated automatically.
DEACTIVATION_REASON: Final = {
    ElderStatus.DECEASED: "ELDER_DECEASED",
    ElderStatus.MOVED_OUT: "ELDER_MOVED_OUT",
}


@dataclass(frozen=True)
class ElderReplica:
    """What charity knows of an elder: never any personal data."""

    elder_id: UUID
    registered: bool
    status: ElderStatus
    county_code: str | None

    @property
    def usable(self) -> bool:
        """Known (registered) and alive and still here."""
        return self.registered and self.status is ElderStatus.ACTIVE


@dataclass(frozen=True)
class InstitutionReplica:
    """What charity knows of an institution."""

    institution_id: UUID
    registered: bool
    status: str
    county_code: str | None

    @property
    def active(self) -> bool:
        """Registered and ACTIVE."""
        return self.registered and self.status == "ACTIVE"

    @property
    def closed(self) -> bool:
        """Closed for good."""
        return self.status == "CLOSED"
