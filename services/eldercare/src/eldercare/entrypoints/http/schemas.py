"""Response models of the eldercare API (request models are the use cases' commands)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from eldercare.domain.elders import Elder
from eldercare.domain.home_modifications import HomeModification
from eldercare.domain.institutions import Institution
from eldercare.domain.meals import Meal, MealPoint
from eldercare.domain.volunteers import Branch, Corps, Volunteer, VolunteerService
from eldercare.domain.wristbands import MissingCase, Wristband
from eldercare.service_layer.personal_data import ElderView
from eldercare.service_layer.ports import AuditEntry


class InstitutionOut(BaseModel):
    """A site of the registry."""

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
    aggregate_version: int

    @classmethod
    def of(cls, site: Institution) -> InstitutionOut:
        """From the aggregate."""
        return cls(**_fields(site), aggregate_version=site.version)


class MaskedPersonal(BaseModel):
    """Personal data as shown by default: masked, never clear (None once erased)."""

    name: str | None = Field(description="张*三")
    id_card_no: str | None = Field(description="430***********1234")
    phone: str | None = Field(description="138****1234")
    address: str | None = Field(description="The first characters only")


class ElderOut(BaseModel):
    """An elder's record: public attributes and masked personal data."""

    id: UUID
    age_band: str
    sex: str
    county_code: str
    township_code: str
    care_pillars: list[str]
    status: str
    institution_id: UUID | None
    registered_at: datetime
    died_on: date | None
    moved_out_on: date | None
    erased: bool
    personal: MaskedPersonal | None
    aggregate_version: int

    @classmethod
    def of(cls, view: ElderView) -> ElderOut:
        """From the masked view."""
        return cls.from_elder(view.elder, MaskedPersonal(**view.personal))

    @classmethod
    def from_elder(cls, elder: Elder, personal: MaskedPersonal | None = None) -> ElderOut:
        """From the aggregate (personal data left out unless given)."""
        data = _fields(elder)
        data.pop("id_card_hmac")
        data.pop("erased_at")
        data["care_pillars"] = list(elder.care_pillars)
        return cls(
            **data,
            erased=elder.erased_at is not None,
            personal=personal,
            aggregate_version=elder.version,
        )


class EmergencyContactOut(BaseModel):
    """An emergency contact in clear."""

    name: str
    phone: str
    relation: str


class ElderPersonalData(BaseModel):
    """Clear personal data: only the fields the caller's scopes allow; this read was audited."""

    elder_id: UUID
    name: str | None = None
    id_card_no: str | None = None
    phone: str | None = None
    address: str | None = None
    birth_date: date | None = None
    emergency_contacts: list[EmergencyContactOut] | None = None
    special_basis: list[str] | None = None
    ability_level: str | None = None
    dementia_risk: bool | None = None
    fields: list[str] = Field(description="The fields returned (and audited)")


class AuditEntryOut(BaseModel):
    """One audited access to personal data."""

    id: int
    actor_person_id: UUID
    actor_role: str
    subject_type: str
    subject_id: UUID
    action: str
    fields: list[str]
    purpose: str
    at: datetime

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        """From the port's entry."""
        return cls(**{**_fields(entry), "fields": list(entry.fields)})


class VaultRotated(BaseModel):
    """How many data keys were re-wrapped with the current master key."""

    rewrapped: int
    key_id: str


class WristbandOut(BaseModel):
    """A yellow wristband (restricted: it implies dementia risk)."""

    id: UUID
    code: str
    elder_id: UUID
    brand_project_id: UUID
    issued_at: datetime
    status: str
    deactivated_at: datetime | None
    reason_code: str | None
    aggregate_version: int

    @classmethod
    def of(cls, band: Wristband) -> WristbandOut:
        """From the aggregate."""
        return cls(**_fields(band), aggregate_version=band.version)


class MissingCaseOut(BaseModel):
    """A missing-person case (the last-seen place stays in the vault)."""

    id: UUID
    elder_id: UUID
    county_code: str
    reported_at: datetime
    found_at: datetime | None
    outcome: str | None
    aggregate_version: int

    @classmethod
    def of(cls, case: MissingCase) -> MissingCaseOut:
        """From the aggregate."""
        return cls(**_fields(case), aggregate_version=case.version)


class SlotOut(BaseModel):
    """A serving window, local time."""

    name: str
    start: str
    end: str


class MealPointOut(BaseModel):
    """A meal point."""

    id: UUID
    name: str
    type: str
    brand_project_id: UUID | None
    operator_institution_id: UUID | None
    operator_org: str | None
    county_code: str
    township_code: str
    established_at: datetime
    capacity_per_slot: int
    slots: list[SlotOut]
    food_license_no: str | None
    status: str
    aggregate_version: int

    @classmethod
    def of(cls, point: MealPoint) -> MealPointOut:
        """From the aggregate."""
        slots = [
            SlotOut(name=s.name, start=f"{s.start:%H:%M}", end=f"{s.end:%H:%M}")
            for s in point.slots
        ]
        return cls(**{**_fields(point), "slots": slots}, aggregate_version=point.version)


class MealOut(BaseModel):
    """A meal served."""

    id: UUID
    meal_point_id: UUID
    elder_id: UUID
    served_at: datetime
    served_on: date
    slot: str
    verification_method: str
    price_minor: int
    subsidy_minor: int
    paid_minor: int
    aggregate_version: int

    @classmethod
    def of(cls, meal: Meal) -> MealOut:
        """From the aggregate."""
        return cls(**_fields(meal), aggregate_version=meal.version)


class PlanItemOut(BaseModel):
    """One plan item."""

    item_code: str
    category: str
    cost_minor: int


class HomeModificationOut(BaseModel):
    """A household's modification and where it stands."""

    id: UUID
    household_id: UUID
    elder_id: UUID
    county_code: str
    status: str
    plan: list[PlanItemOut]
    subsidy_minor: int | None
    self_paid_minor: int | None
    contractor_org_id: UUID | None
    photo_ids: list[UUID]
    acceptance_inspector_id: UUID | None
    reject_reason: str | None
    applied_at: datetime
    assessed_at: datetime | None
    rejected_at: datetime | None
    approved_at: datetime | None
    completed_at: datetime | None
    accepted_at: datetime | None
    aggregate_version: int

    @classmethod
    def of(cls, mod: HomeModification) -> HomeModificationOut:
        """From the aggregate."""
        plan = [PlanItemOut(**vars(item)) for item in mod.plan]
        data = {**_fields(mod), "plan": plan, "photo_ids": list(mod.photo_ids)}
        return cls(**data, aggregate_version=mod.version)


class BranchOut(BaseModel):
    """A branch (分队) of the corps."""

    id: UUID
    corps_id: UUID
    name: str
    county_code: str
    leader_person_id: UUID | None
    founded_at: datetime
    status: str
    dissolved_at: datetime | None

    @classmethod
    def of(cls, branch: Branch) -> BranchOut:
        """From the entity."""
        return cls(**_fields(branch))


class CorpsOut(BaseModel):
    """The corps (总队) and its branches."""

    id: UUID
    name: str
    founded_at: datetime
    status: str
    branches: list[BranchOut]
    aggregate_version: int

    @classmethod
    def of(cls, corps: Corps, branches: list[Branch]) -> CorpsOut:
        """From the aggregate and its branches."""
        data = {**_fields(corps), "branches": [BranchOut.of(b) for b in branches]}
        return cls(**data, aggregate_version=corps.version)


class VolunteerOut(BaseModel):
    """A volunteer, name and phone masked."""

    id: UUID
    branch_id: UUID
    age_band: str
    status: str
    enrolled_at: datetime
    left_at: datetime | None
    name: str | None = Field(default=None, description="Masked")
    phone: str | None = Field(default=None, description="Masked")
    aggregate_version: int

    @classmethod
    def of(
        cls, volunteer: Volunteer, name: str | None = None, phone: str | None = None
    ) -> VolunteerOut:
        """From the aggregate (and masked personal data when known)."""
        return cls(
            **_fields(volunteer), name=name, phone=phone, aggregate_version=volunteer.version
        )


class VolunteerPersonalData(BaseModel):
    """A volunteer's personal data in clear; this read was audited."""

    volunteer_id: UUID
    name: str | None
    phone: str | None
    birth_date: date | None


class VolunteerServiceOut(BaseModel):
    """One recorded service."""

    id: UUID
    volunteer_id: UUID
    branch_id: UUID
    service_type: str
    started_at: datetime
    minutes: int
    elder_id: UUID | None
    institution_id: UUID | None
    aggregate_version: int

    @classmethod
    def of(cls, record: VolunteerService) -> VolunteerServiceOut:
        """From the aggregate."""
        return cls(**_fields(record), aggregate_version=record.version)


def _fields(obj: Any) -> dict[str, Any]:
    return dict(vars(obj))
