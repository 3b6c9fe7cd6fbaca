"""Use cases of work notices: draft, issue to targets, acknowledge."""

from __future__ import annotations

import uuid

from inspection.domain import commands as cmds
from inspection.domain.errors import InvalidInputError
from inspection.domain.leaders import acts_as
from inspection.domain.notices import DRAFT, WorkNotice
from inspection.domain.sites import usable_site
from inspection.service_layer import publishing as pub
from inspection.service_layer.guards import existing, no_pii
from inspection.service_layer.ports import Context, UnitOfWork


async def draft_work_notice(cmd: cmds.DraftWorkNotice, uow: UnitOfWork, ctx: Context) -> WorkNotice:
    """Draft a notice (no event until it is issued); it must name sites or kinds of site."""
    no_pii(title=cmd.title)
    if not cmd.target_site_ids and not cmd.target_kinds:
        raise InvalidInputError(
            "no_targets", "须指定下发机构（target_site_ids）或机构类型（target_kinds）"
        )
    notice = WorkNotice(
        id=cmd.id,
        notice_no=await uow.lookups.next_number("TS", ctx.today.year),
        title=cmd.title,
        content_ref=cmd.content_ref,
        issuer_person_id=cmd.issuer_person_id,
        target_site_ids=list(dict.fromkeys(cmd.target_site_ids)),
        target_kinds=list(dict.fromkeys(cmd.target_kinds)),
        require_ack=cmd.require_ack,
        ack_due_on=cmd.ack_due_on,
        status=DRAFT,
        issued_at=None,
        acks={},
        version=0,
    )
    await uow.notices.add(notice)
    return notice


async def issue_work_notice(cmd: cmds.IssueWorkNotice, uow: UnitOfWork, ctx: Context) -> WorkNotice:
    """Issue a draft to its targets: the named active sites plus active sites of the kinds."""
    notice = await existing(uow.notices, cmd.id, "工作提示")
    leaders = await uow.lookups.leaders()
    targets = await _expand(uow, notice) if notice.status == DRAFT else []
    notice.issue(
        targets=targets,
        issuer_is_leader=acts_as(leaders, notice.issuer_person_id),
        now=ctx.now,
        today=ctx.today,
    )
    await uow.notices.save(notice)
    uow.publish(pub.work_notice_issued(notice), version=notice.version)
    return notice


async def acknowledge_work_notice(
    cmd: cmds.AcknowledgeWorkNotice, uow: UnitOfWork, ctx: Context
) -> WorkNotice:
    """A target site acknowledges; a repeated acknowledgement changes nothing."""
    notice = await existing(uow.notices, cmd.id, "工作提示")
    by = ctx.actor or uuid.UUID(int=0)
    if notice.acknowledge(site_id=cmd.site_id, by=by, now=ctx.now):
        await uow.notices.save(notice)
        event = pub.work_notice_acknowledged(notice, cmd.site_id, ctx.now, by)
        uow.publish(event, version=notice.version)
    return notice


async def _expand(uow: UnitOfWork, notice: WorkNotice) -> list[uuid.UUID]:
    targets = [usable_site(await uow.lookups.site(s)).id for s in notice.target_site_ids]
    if notice.target_kinds:
        targets += await uow.lookups.active_site_ids(notice.target_kinds)
    return list(dict.fromkeys(targets))
