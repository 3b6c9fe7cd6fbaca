"""Institutions (民政服务机构): the master registry of civil-affairs service sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eldercare.domain.errors import ConflictError, InvalidInputError, invalid_state

KINDS = (
    "ELDERCARE_SAFETY_NET",
    "ELDERCARE_PUBLIC",
    "ELDERCARE_PRIVATE",
    "SOCIAL_WELFARE_HOME",
    "CHILD_WELFARE",
    "RELIEF_STATION",
    "FUNERAL_HOME",
)
# Sites that take elders in as residents (DOMAIN §5.2 admission).
RESIDENTIAL_KINDS = frozenset(
    {"ELDERCARE_SAFETY_NET", "ELDERCARE_PUBLIC", "ELDERCARE_PRIVATE", "SOCIAL_WELFARE_HOME"}
)
ACTIVE, SUSPENDED, CLOSED = "ACTIVE", "SUSPENDED", "CLOSED"
# verb -> (states it may leave from, state it reaches)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "suspend": (frozenset({ACTIVE}), SUSPENDED),
    "reactivate": (frozenset({SUSPENDED}), ACTIVE),
    "close": (frozenset({ACTIVE, SUSPENDED}), CLOSED),
}


@dataclass
class Institution:
    """A site: identity, kind, place, beds and status."""

    id: UUID
    filing_no: str
    name: str
    kind: str
    county_code: str
    township_code: str
    beds: int
    head_person_id: UUID
    status: str
    registered_at: datetime
    status_changed_at: datetime | None
    version: int

    @classmethod
    def register(  # noqa: PLR0913 - the registry's fields, all keyword-only
        cls,
        *,
        id: UUID,
        filing_no: str,
        name: str,
        kind: str,
        county_code: str,
        township_code: str,
        beds: int,
        head_person_id: UUID,
        now: datetime,
    ) -> Institution:
        """A new ACTIVE site."""
        if beds < 0:
            raise InvalidInputError("invalid_beds", "床位数不能为负数")
        return cls(
            id=id,
            filing_no=filing_no,
            name=name,
            kind=kind,
            county_code=county_code,
            township_code=township_code,
            beds=beds,
            head_person_id=head_person_id,
            status=ACTIVE,
            registered_at=now,
            status_changed_at=None,
            version=1,
        )

    def change_status(self, verb: str, *, residents: int, now: datetime) -> None:
        """Suspend, reactivate or close; closing needs every resident gone."""
        sources, target = TRANSITIONS[verb]
        if self.status not in sources:
            raise invalid_state({"suspend": "暂停", "reactivate": "恢复", "close": "关闭"}[verb])
        if target == CLOSED and residents > 0:
            raise ConflictError("has_residents", "机构仍有在住老人，不能关闭")
        self.status = target
        self.status_changed_at = now
        self.version += 1

    def change_capacity(self, beds: int, *, residents: int) -> None:
        """Set the number of beds; never below the residents living there."""
        if beds < 0:
            raise InvalidInputError("invalid_beds", "床位数不能为负数")
        if self.status == CLOSED:
            raise invalid_state("调整已关闭机构的床位")
        if beds < residents:
            raise ConflictError("capacity_below_occupancy", "床位数不能少于在住老人数")
        self.beds = beds
        self.version += 1

    def ensure_can_admit(self, *, residents: int) -> None:
        """An ACTIVE residential site with a free bed."""
        if self.status != ACTIVE:
            raise ConflictError("institution_not_active", "机构未在运营，不能办理入住")
        if self.kind not in RESIDENTIAL_KINDS:
            raise ConflictError("not_residential", "该类机构不接收老人入住")
        if residents >= self.beds:
            raise ConflictError("no_free_bed", "机构已无空余床位")

    def ensure_active(self) -> None:
        """Refuse work at a site that is not ACTIVE."""
        if self.status != ACTIVE:
            raise ConflictError("institution_not_active", "机构未在运营")
