"""Use cases of funds, projects and donations."""

from __future__ import annotations

from uuid import UUID, uuid4

from charity.domain import funds as model, ledger
from charity.domain.commands import CreditFund, OpenFund, RecordDonation, RegisterProject
from charity.domain.errors import InvalidInputError, NotFoundError, unknown_reference
from charity.domain.funds import DonorType, SourceType, check_amount, check_not_future
from charity.domain.identity import check_phone, normalise_id_card
from charity.domain.text import reject_personal_data
from charity.service_layer import publishing
from charity.service_layer.ports import UnitOfWork


async def open_fund(uow: UnitOfWork, cmd: OpenFund) -> UUID:
    """Open a fund and announce it."""
    reject_personal_data(code=cmd.code)
    fund = model.open_fund(cmd.fund_id, cmd.code, cmd.source_type, cmd.fiscal_year)
    await uow.funds.add(fund, opened_at=uow.now)
    uow.emit(publishing.fund_opened(fund), version=fund.version)
    return fund.id


async def credit_fund(uow: UnitOfWork, cmd: CreditFund) -> UUID:
    """Book money arriving in a fund (a reference is booked once)."""
    check_amount(cmd.amount_minor)
    check_not_future(cmd.credited_at, uow.now, "到账时间")
    reject_personal_data(reference=cmd.reference)
    fund = await uow.funds.get(cmd.fund_id, lock=True)
    if fund is None:
        raise NotFoundError("not_found", "资金池不存在")
    await uow.funds.add_credit(
        fund.id, amount_minor=cmd.amount_minor, credited_at=cmd.credited_at, reference=cmd.reference
    )
    await uow.ledger.post(
        ledger.credit_fund(fund.id, cmd.amount_minor, cmd.reference), at=cmd.credited_at
    )
    fund.version += 1
    await uow.funds.save(fund)
    event = publishing.fund_credited(fund.id, cmd.amount_minor, cmd.credited_at, cmd.reference)
    uow.emit(event, version=fund.version)
    return fund.id


async def register_project(uow: UnitOfWork, cmd: RegisterProject) -> UUID:
    """Register a project and announce it."""
    reject_personal_data(code=cmd.code, name=cmd.name)
    project = model.register_project(
        cmd.project_id,
        code=cmd.code,
        name=cmd.name,
        brand=cmd.brand,
        kind=cmd.kind,
        purpose=cmd.purpose,
        in_project_library=cmd.in_project_library,
    )
    await uow.projects.add(project, registered_at=uow.now)
    uow.emit(publishing.project_registered(project), version=project.version)
    return project.id


async def record_donation(uow: UnitOfWork, cmd: RecordDonation) -> UUID:
    """Record a donation, credit its fund in the ledger, and announce it without the donor."""
    check_amount(cmd.amount_minor)
    check_not_future(cmd.received_at, uow.now, "捐赠时间")
    model.check_donor(cmd.donor_type, cmd.donor_display_name)
    model.check_items_value(cmd.kind, cmd.amount_minor, list(cmd.items))
    reject_personal_data(
        receipt_no=cmd.receipt_no,
        donor_display_name=cmd.donor_display_name,
        items=" ".join(item.name for item in cmd.items),
    )
    fund = await uow.funds.get(cmd.fund_id)
    if fund is None:
        raise unknown_reference("资金池")
    if fund.source_type is not SourceType.DONATION:
        raise InvalidInputError("not_a_donation_fund", "捐赠只能记入慈善捐赠资金池")
    designated = cmd.designated_project_id
    if designated is not None and await uow.projects.get(designated) is None:
        raise unknown_reference("定向项目")
    donor_id = await _donor(uow, cmd)
    await uow.donations.add(cmd, donor_id=donor_id)
    entries = ledger.receive_donation(
        cmd.fund_id, cmd.donation_id, cmd.amount_minor, cmd.designated_project_id
    )
    await uow.ledger.post(entries, at=cmd.received_at)
    uow.emit(publishing.donation_received(cmd), version=1)
    return cmd.donation_id


async def _donor(uow: UnitOfWork, cmd: RecordDonation) -> UUID | None:
    """The donor's opaque id; an individual's personal data goes to the vault only."""
    if cmd.donor_id is not None:
        if not await uow.donations.donor_exists(cmd.donor_id):
            raise unknown_reference("捐赠人")
        return cmd.donor_id
    details = cmd.donor
    if details is None:
        return None
    if cmd.donor_type is DonorType.ORGANISATION:
        raise InvalidInputError("donor_details_not_allowed", "机构捐赠人请使用 donor_display_name")
    personal = {k: v for k, v in vars(details).items() if v}
    fingerprint = None
    if details.id_card_no:
        personal["id_card_no"] = normalise_id_card(details.id_card_no)
        fingerprint = uow.vault.fingerprint(personal["id_card_no"])
        known = await uow.donations.donor_by_fingerprint(fingerprint)
        if known is not None:
            return known
    if details.phone:
        personal["phone"] = check_phone(details.phone)
    donor_id = uuid4()
    await uow.donations.add_donor(
        donor_id, donor_type=cmd.donor_type, fingerprint=fingerprint, display_name=None
    )
    if personal:
        await uow.vault.store(donor_id, personal)
    return donor_id
