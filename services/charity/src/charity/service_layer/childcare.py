"""Use cases of child-care sessions and their providers."""

from __future__ import annotations

from uuid import UUID

from charity.domain.childcare import Session, check_session
from charity.domain.commands import RecordSession, RegisterProvider
from charity.domain.errors import InvalidInputError, unknown_reference
from charity.service_layer import publishing
from charity.service_layer.ports import UnitOfWork
from shared.clock import local_date


async def register_provider(uow: UnitOfWork, cmd: RegisterProvider) -> UUID:
    """Record what a provider is (teacher or volunteer mother); no event, staff data only."""
    await uow.sessions.put_provider(cmd.person_id, cmd.role, uow.now)
    return cmd.person_id


async def record_session(uow: UnitOfWork, cmd: RecordSession) -> UUID:
    """Record a delivered session; the event counts children and never names them."""
    if cmd.minutes <= 0:
        raise InvalidInputError("invalid_minutes", "服务时长须为大于 0 的整数分钟")
    project = await uow.projects.get(cmd.project_id)
    if project is None:
        raise unknown_reference("项目")
    session = Session(
        cmd.session_id,
        project.id,
        cmd.provider_person_id,
        cmd.held_on,
        cmd.child_ids,
        cmd.minutes,
    )
    check_session(
        session,
        project_kind=project.kind,
        today=local_date(uow.now),
        provider_role=await uow.sessions.provider_role(cmd.provider_person_id),
        child_enrolled=await uow.beneficiaries.enrolled_children(project.id, cmd.child_ids),
    )
    await uow.sessions.add(session, at=uow.now)
    uow.emit(publishing.session_delivered(session), version=1)
    return session.id
