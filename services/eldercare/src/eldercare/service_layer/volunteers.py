"""Use cases of the 银龄行动 volunteer corps, its branches, volunteers and services (§5.6)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, Field

from eldercare.domain.errors import ConflictError, InvalidInputError, in_future, not_found
from eldercare.domain.identity import age_on, check_phone, mask_name, mask_phone, volunteer_age_band
from eldercare.domain.volunteers import (
    ACTIVE,
    MIN_VOLUNTEER_AGE,
    Branch,
    Corps,
    Volunteer,
    VolunteerService,
    check_service,
    ensure_can_serve,
)
from eldercare.service_layer import personal_data as pd
from eldercare.service_layer.common import (
    Code,
    Command,
    Count,
    Label,
    PersonalText,
    check_free_text,
    get_or_404,
    get_or_422,
    new_id,
    not_after,
    today,
)
from eldercare.service_layer.ports import UnitOfWork
from shared.events.eldercare import (
    ServiceType,
    VolunteerBranchDissolved,
    VolunteerBranchFounded,
    VolunteerCorpsFounded,
    VolunteerEnrolled,
    VolunteerLeft,
    VolunteerServiceRecorded,
)

VOLUNTEER_FIELDS = ("name", "phone", "birth_date")


class FoundCorps(Command):
    """Found the corps (总队)."""

    id: UUID | None = None
    name: Label
    founded_at: AwareDatetime | None = Field(default=None, description="Default: now")


class FoundBranch(Command):
    """Found a branch (分队) of the corps."""

    branch_id: UUID | None = None
    name: Label
    county_code: Code
    leader_person_id: UUID | None = None
    founded_at: AwareDatetime | None = Field(default=None, description="Default: now")


class DissolveBranch(Command):
    """Dissolve a branch."""


class EnrollVolunteer(Command):
    """Enrol a volunteer in a branch; name, phone and birth date go to the vault."""

    id: UUID | None = None
    branch_id: UUID
    name: PersonalText
    phone: str = Field(max_length=32)
    birth_date: date


class LeaveCorps(Command):
    """A volunteer leaves."""


class RecordService(Command):
    """Record one service to an elder or an institution."""

    id: UUID | None = None
    volunteer_id: UUID
    service_type: ServiceType
    started_at: AwareDatetime
    minutes: Count = Field(description="1..720")
    elder_id: UUID | None = None
    institution_id: UUID | None = None
    note: PersonalText | None = Field(default=None, description="Checked, never stored")


async def found_corps(uow: UnitOfWork, cmd: FoundCorps) -> Corps:
    """``VolunteerCorpsFounded``."""
    at = not_after(cmd.founded_at, uow.now, "成立时间")
    corps = Corps(id=new_id(cmd.id), name=cmd.name, founded_at=at, status=ACTIVE, version=1)
    if not await uow.corps.add(corps):
        raise ConflictError("already_exists", "志愿服务总队已存在")
    uow.publish(VolunteerCorpsFounded(corps_id=corps.id, name=corps.name, founded_at=at), version=1)
    return corps


async def found_branch(uow: UnitOfWork, corps_id: UUID, cmd: FoundBranch) -> Branch:
    """``VolunteerBranchFounded``; 409 ``duplicate_branch_name`` within the corps."""
    at = not_after(cmd.founded_at, uow.now, "成立时间")
    corps = await get_or_404(uow.corps, corps_id, "志愿服务总队")
    if await uow.lookups.branch_name_taken(corps.id, cmd.name):
        raise ConflictError("duplicate_branch_name", "总队内已有同名分队")
    branch = Branch(
        id=new_id(cmd.branch_id),
        corps_id=corps.id,
        name=cmd.name,
        county_code=cmd.county_code,
        leader_person_id=cmd.leader_person_id,
        founded_at=at,
        status=ACTIVE,
        dissolved_at=None,
    )
    if not await uow.branches.add(branch):
        raise ConflictError("already_exists", "分队已存在")
    corps.version += 1
    await uow.corps.save(corps)
    uow.publish(
        VolunteerBranchFounded(
            corps_id=corps.id,
            branch_id=branch.id,
            name=branch.name,
            county_code=branch.county_code,
            leader_person_id=branch.leader_person_id,
            founded_at=at,
        ),
        version=corps.version,
    )
    return branch


async def dissolve_branch(
    uow: UnitOfWork, corps_id: UUID, branch_id: UUID, cmd: DissolveBranch
) -> Branch:
    """``VolunteerBranchDissolved``; 409 ``invalid_state`` when already dissolved."""
    corps = await get_or_404(uow.corps, corps_id, "志愿服务总队")
    branch = await get_or_404(uow.branches, branch_id, "分队")
    if branch.corps_id != corps.id:
        raise not_found("分队")
    branch.dissolve(at=uow.now)
    await uow.branches.save(branch)
    corps.version += 1
    await uow.corps.save(corps)
    uow.publish(
        VolunteerBranchDissolved(corps_id=corps.id, branch_id=branch.id, dissolved_at=uow.now),
        version=corps.version,
    )
    return branch


async def enroll(uow: UnitOfWork, cmd: EnrollVolunteer) -> pd.MaskedVolunteer:
    """``VolunteerEnrolled`` (ids and age band only); 409 ``branch_dissolved``."""
    phone = check_phone(cmd.phone)
    if cmd.birth_date > today(uow.now):
        raise in_future("出生日期")
    age = age_on(cmd.birth_date, today(uow.now))
    if age < MIN_VOLUNTEER_AGE:
        raise InvalidInputError("too_young", "志愿者须年满 18 周岁")
    branch = await get_or_422(uow.branches, cmd.branch_id, "分队")
    branch.ensure_accepts_volunteers()
    volunteer = Volunteer(
        id=new_id(cmd.id),
        branch_id=branch.id,
        age_band=volunteer_age_band(age),
        status=ACTIVE,
        enrolled_at=uow.now,
        left_at=None,
        version=1,
    )
    if not await uow.volunteers.add(volunteer):
        raise ConflictError("already_exists", "志愿者已登记")
    fields = {"name": cmd.name, "phone": phone, "birth_date": cmd.birth_date.isoformat()}
    await uow.vault.store("volunteer", volunteer.id, pd.encode(fields))
    uow.publish(
        VolunteerEnrolled(
            volunteer_id=volunteer.id,
            branch_id=branch.id,
            age_band=volunteer.age_band,
            enrolled_at=volunteer.enrolled_at,
        ),
        version=volunteer.version,
    )
    return pd.MaskedVolunteer(volunteer, mask_name(cmd.name), mask_phone(phone))


async def leave(uow: UnitOfWork, volunteer_id: UUID, cmd: LeaveCorps) -> Volunteer:
    """``VolunteerLeft``; 409 ``invalid_state`` when already gone."""
    volunteer = await get_or_404(uow.volunteers, volunteer_id, "志愿者")
    volunteer.leave(at=uow.now)
    await uow.volunteers.save(volunteer)
    uow.publish(
        VolunteerLeft(volunteer_id=volunteer.id, left_at=uow.now), version=volunteer.version
    )
    return volunteer


async def record_service(uow: UnitOfWork, cmd: RecordService) -> VolunteerService:
    """``VolunteerServiceRecorded``; 422 minutes/target/future, 409 inactive parties."""
    check_free_text(cmd.note)
    check_service(cmd.minutes, elder_id=cmd.elder_id, institution_id=cmd.institution_id)
    if cmd.started_at > uow.now:
        raise in_future("服务开始时间")
    volunteer = await get_or_422(uow.volunteers, cmd.volunteer_id, "志愿者", lock=False)
    branch = await get_or_404(uow.branches, volunteer.branch_id, "分队", lock=False)
    ensure_can_serve(volunteer, branch)
    if cmd.elder_id is not None:
        (await get_or_422(uow.elders, cmd.elder_id, "老人", lock=False)).ensure_active()
    if cmd.institution_id is not None:
        site = await get_or_422(uow.institutions, cmd.institution_id, "机构", lock=False)
        site.ensure_active()
    record = VolunteerService(
        id=new_id(cmd.id),
        volunteer_id=volunteer.id,
        branch_id=branch.id,
        service_type=cmd.service_type,
        started_at=cmd.started_at,
        minutes=cmd.minutes,
        elder_id=cmd.elder_id,
        institution_id=cmd.institution_id,
        version=1,
    )
    if not await uow.volunteer_services.add(record):
        raise ConflictError("already_exists", "该服务记录已存在")
    uow.publish(_recorded(record), version=record.version)
    return record


def _recorded(record: VolunteerService) -> VolunteerServiceRecorded:
    return VolunteerServiceRecorded(
        record_id=record.id,
        volunteer_id=record.volunteer_id,
        branch_id=record.branch_id,
        service_type=record.service_type,  # type: ignore[arg-type]
        started_at=record.started_at,
        minutes=record.minutes,
        elder_id=record.elder_id,
        institution_id=record.institution_id,
    )


async def volunteer_view(uow: UnitOfWork, volunteer_id: UUID) -> pd.MaskedVolunteer:
    """A volunteer with masked name and phone."""
    volunteer = await get_or_404(uow.volunteers, volunteer_id, "志愿者", lock=False)
    clear = pd.decode(await uow.vault.load(volunteer.id, ("name", "phone")))
    name, phone = clear.get("name"), clear.get("phone")
    return pd.MaskedVolunteer(
        volunteer, mask_name(name) if name else None, mask_phone(phone) if phone else None
    )


async def reveal_volunteer(uow: UnitOfWork, volunteer_id: UUID, *, purpose: str) -> dict[str, Any]:
    """Name, phone and birth date in clear, after writing the audit row."""
    check_free_text(purpose)
    volunteer = await get_or_404(uow.volunteers, volunteer_id, "志愿者", lock=False)
    clear = pd.decode(await uow.vault.load(volunteer.id, VOLUNTEER_FIELDS))
    await uow.vault.audit(
        subject_type="volunteer",
        subject_id=volunteer.id,
        action="READ",
        fields=VOLUNTEER_FIELDS,
        purpose=purpose,
    )
    return {name: clear.get(name) for name in VOLUNTEER_FIELDS}
