"""Use cases of the institution registry (DOMAIN §5.1)."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from eldercare.domain.errors import ConflictError
from eldercare.domain.institutions import Institution
from eldercare.service_layer.common import (
    Code,
    Command,
    Count,
    HumanCode,
    Label,
    get_or_404,
    new_id,
)
from eldercare.service_layer.ports import UnitOfWork
from shared.events.eldercare import (
    InstitutionCapacityChanged,
    InstitutionKind,
    InstitutionRegistered,
    InstitutionStatusChanged,
)


class RegisterInstitution(Command):
    """Register a civil-affairs service site."""

    id: UUID | None = Field(default=None, description="Client-supplied id (optional)")
    filing_no: HumanCode = Field(description="备案号, unique")
    name: Label
    kind: InstitutionKind
    county_code: Code
    township_code: Code
    beds: Count = Field(description="Number of beds (>= 0)")
    head_person_id: UUID = Field(description="The head's person id; their phone lives in notify")


class ChangeInstitutionStatus(Command):
    """Suspend, reactivate or close a site."""

    reason_code: Code = Field(default="UNSPECIFIED", description="Machine reason, e.g. RECTIFY")


class ChangeCapacity(Command):
    """Set the number of beds."""

    beds: Count = Field(description="Number of beds (>= 0, >= residents)")


async def register_institution(uow: UnitOfWork, cmd: RegisterInstitution) -> Institution:
    """Open a site in the registry (409 ``duplicate_filing_no``)."""
    site = Institution.register(
        id=new_id(cmd.id),
        filing_no=cmd.filing_no,
        name=cmd.name,
        kind=cmd.kind,
        county_code=cmd.county_code,
        township_code=cmd.township_code,
        beds=cmd.beds,
        head_person_id=cmd.head_person_id,
        now=uow.now,
    )
    # Inserted at once: the table's unique keys refuse a used id or filing number, and only
    # then is it worth a look which of the two it was.
    if not await uow.institutions.add(site):
        if await uow.lookups.filing_no_taken(cmd.filing_no):
            raise ConflictError("duplicate_filing_no", "备案号已登记")
        raise ConflictError("already_exists", "机构已登记")
    uow.publish(
        InstitutionRegistered(
            institution_id=site.id,
            filing_no=site.filing_no,
            name=site.name,
            kind=cmd.kind,
            county_code=site.county_code,
            township_code=site.township_code,
            beds=site.beds,
            head_person_id=site.head_person_id,
            status="ACTIVE",
            registered_at=site.registered_at,
        ),
        version=site.version,
    )
    return site


async def change_institution_status(
    uow: UnitOfWork, institution_id: UUID, verb: str, cmd: ChangeInstitutionStatus
) -> Institution:
    """Suspend, reactivate or close (409 ``invalid_state`` / ``has_residents``)."""
    site = await get_or_404(uow.institutions, institution_id, "机构")
    site.change_status(verb, residents=await uow.lookups.residents(site.id), now=uow.now)
    await uow.institutions.save(site)
    uow.publish(
        InstitutionStatusChanged(
            institution_id=site.id,
            status=site.status,  # type: ignore[arg-type]
            changed_at=uow.now,
            reason_code=cmd.reason_code,
        ),
        version=site.version,
    )
    return site


async def change_capacity(
    uow: UnitOfWork, institution_id: UUID, cmd: ChangeCapacity
) -> Institution:
    """Set the beds (422 ``invalid_beds``, 409 ``capacity_below_occupancy``)."""
    site = await get_or_404(uow.institutions, institution_id, "机构")
    site.change_capacity(cmd.beds, residents=await uow.lookups.residents(site.id))
    await uow.institutions.save(site)
    uow.publish(
        InstitutionCapacityChanged(institution_id=site.id, beds=site.beds), version=site.version
    )
    return site
