"""What the use cases need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar
from uuid import UUID

from eldercare.domain.elders import Elder
from eldercare.domain.home_modifications import HomeModification
from eldercare.domain.institutions import Institution
from eldercare.domain.meals import Meal, MealPoint
from eldercare.domain.volunteers import Branch, Corps, Volunteer, VolunteerService
from eldercare.domain.wristbands import MissingCase, Wristband
from shared.events.base import IntegrationEvent

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who runs the command: an opaque person id and a role (never a name)."""

    person_id: UUID
    role: str


@dataclass(frozen=True)
class Rules:
    """Configurable limits (DOMAIN §12.4), read from the settings by the composition root."""

    home_mod_subsidy_cap_minor: int
    home_mod_period_years: int
    meal_subsidy_cap_minor: int
    default_meal_slots: Mapping[str, tuple[str, str]]


class Repository(Protocol[T]):
    """Load and store one aggregate type by id."""

    async def get(self, id: UUID, *, lock: bool = False) -> T | None:
        """The aggregate, row-locked for the transaction when ``lock``."""
        ...

    async def add(self, item: T) -> bool:
        """Insert; False (and nothing written) when a unique key is already taken."""
        ...

    async def save(self, item: T) -> None:
        """Write back a changed aggregate."""
        ...

    async def find(self, *, limit: int, offset: int, **filters: object) -> list[T]:
        """A page of aggregates whose fields equal the given values (None = any)."""
        ...


@dataclass(frozen=True)
class AuditEntry:
    """One access to personal data (the values themselves are never logged)."""

    id: int
    actor_person_id: UUID
    actor_role: str
    subject_type: str
    subject_id: UUID
    action: str
    fields: tuple[str, ...]
    purpose: str
    at: datetime


class Lookups(Protocol):
    """The questions the rules ask beyond loading one aggregate."""

    async def filing_no_taken(self, filing_no: str) -> bool: ...
    async def elder_by_blind_index(self, blind_index: bytes) -> UUID | None: ...
    async def residents(self, institution_id: UUID) -> int: ...
    async def add_assessment(
        self,
        *,
        id: UUID,
        elder_id: UUID,
        assessor_id: UUID,
        assessed_at: datetime,
    ) -> bool: ...
    async def lock_household(self, household_id: UUID) -> None: ...
    async def household_blocked(self, household_id: UUID, *, accepted_since: datetime) -> bool: ...
    async def meal_point_open_at(self, meal_point_id: UUID, at: datetime) -> bool: ...
    async def record_meal_point_status(
        self, meal_point_id: UUID, status: str, at: datetime
    ) -> None: ...
    async def meals_in_slot(self, meal_point_id: UUID, served_on: date, slot: str) -> int: ...
    async def meal_taken(self, elder_id: UUID, served_on: date, slot: str) -> bool: ...
    async def wristband_code_taken(self, code: str) -> bool: ...
    async def active_wristbands(self, elder_id: UUID) -> list[UUID]: ...
    async def open_missing_case(self, elder_id: UUID) -> UUID | None: ...
    async def branch_name_taken(self, corps_id: UUID, name: str) -> bool: ...


class Vault(Protocol):
    """Personal data, encrypted per subject; shredding the subject's key erases it."""

    def blind_index(self, value: str) -> bytes:
        """The keyed hash (HMAC-SHA256 with the pepper) used to find duplicates."""
        ...

    async def store(self, subject_type: str, subject_id: UUID, fields: Mapping[str, str]) -> None:
        """Encrypt and upsert fields under the subject's data key (made on first use)."""
        ...

    async def load(self, subject_id: UUID, names: Iterable[str]) -> dict[str, str]:
        """Decrypt the named fields that exist."""
        ...

    async def shred(self, subject_id: UUID) -> None:
        """Destroy the subject's data key and every ciphertext under it."""
        ...

    async def audit(
        self,
        *,
        subject_type: str,
        subject_id: UUID,
        action: str,
        fields: Iterable[str],
        purpose: str,
    ) -> None:
        """Record who touched which personal fields of whom, why and when."""
        ...

    async def audit_log(
        self, *, subject_id: UUID | None, limit: int, offset: int
    ) -> list[AuditEntry]:
        """The audit rows, newest first."""
        ...

    async def rewrap(self) -> int:
        """Re-wrap data keys still under a retired master key; how many."""
        ...


class UnitOfWork(Protocol):
    """One transaction: the aggregates, the vault and the outgoing events commit together."""

    now: datetime
    actor: Actor
    rules: Rules
    institutions: Repository[Institution]
    elders: Repository[Elder]
    home_modifications: Repository[HomeModification]
    meal_points: Repository[MealPoint]
    meals: Repository[Meal]
    wristbands: Repository[Wristband]
    missing_cases: Repository[MissingCase]
    corps: Repository[Corps]
    branches: Repository[Branch]
    volunteers: Repository[Volunteer]
    volunteer_services: Repository[VolunteerService]
    lookups: Lookups
    vault: Vault

    def publish(
        self, event: IntegrationEvent, *, version: int, caused_by: str | None = None
    ) -> str:
        """Queue an event for the outbox (written when the unit of work commits); its id."""
        ...
