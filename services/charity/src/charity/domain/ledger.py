"""The double-entry ledger: every money movement is one entry from one account to another.

Balances are never stored by hand; they are sums of entries (the database keeps a cache of
them, written only by a trigger on the entries, with a non-negative check as the last guard).
External accounts (``external:*``) are where money comes from and may go negative; every other
account may not. Amounts are integer fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

TREASURY = "external:treasury"
DONORS = "external:donors"


class EntryKind(StrEnum):
    """What a movement is."""

    FUND_CREDIT = "FUND_CREDIT"  # the finance bureau (or treasury) credits a fund
    DONATION = "DONATION"  # a donation (in-kind at its valuation) enters a fund
    ALLOCATE = "ALLOCATE"  # an approved allocation earmarks fund money
    RESERVE = "RESERVE"  # a disbursement request reserves allocation money
    SETTLE = "SETTLE"  # a reserved disbursement was paid or delivered
    UNRESERVE = "UNRESERVE"  # a cancelled disbursement gives its reservation back
    RELEASE = "RELEASE"  # a closed allocation returns its unused remainder to the fund


def fund_available(fund_id: UUID) -> str:
    """The fund's undesignated money."""
    return f"fund:{fund_id}:available"


def fund_designated(fund_id: UUID, project_id: UUID) -> str:
    """The fund's money designated (定向) for one project."""
    return f"fund:{fund_id}:designated:{project_id}"


def allocation_remaining(allocation_id: UUID) -> str:
    """An allocation's money not yet reserved, disbursed or released."""
    return f"allocation:{allocation_id}:remaining"


def allocation_reserved(allocation_id: UUID) -> str:
    """An allocation's money reserved by open disbursements."""
    return f"allocation:{allocation_id}:reserved"


def allocation_disbursed(allocation_id: UUID) -> str:
    """An allocation's money that reached beneficiaries (paid or delivered)."""
    return f"allocation:{allocation_id}:disbursed"


@dataclass(frozen=True)
class Entry:
    """One movement of ``amount_minor`` fen from one account to another."""

    kind: EntryKind
    amount_minor: int
    from_account: str
    to_account: str
    fund_id: UUID
    allocation_id: UUID | None = None
    disbursement_id: UUID | None = None
    donation_id: UUID | None = None
    project_id: UUID | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        if type(self.amount_minor) is not int or self.amount_minor <= 0:
            raise ValueError("a ledger entry moves a positive integer number of fen")
        if self.from_account == self.to_account:
            raise ValueError("a ledger entry moves money between two different accounts")


@dataclass(frozen=True)
class FundBalance:
    """A fund's position, derived from its entries."""

    credited_minor: int
    donated_minor: int
    allocated_minor: int
    released_minor: int
    undesignated_minor: int
    designated_minor: dict[UUID, int]

    @property
    def available_minor(self) -> int:
        """DOMAIN §6.1: credited (incl. donations) − allocated + released."""
        return self.undesignated_minor + sum(self.designated_minor.values())

    def usable_for(self, project_id: UUID) -> int:
        """What an allocation to ``project_id`` may take: its designated money plus the rest."""
        return self.undesignated_minor + self.designated_minor.get(project_id, 0)


@dataclass(frozen=True)
class AllocationBalance:
    """An allocation's position, derived from its entries."""

    amount_minor: int
    designated_minor: int
    reserved_minor: int
    disbursed_minor: int
    released_minor: int

    @property
    def remaining_minor(self) -> int:
        """DOMAIN §6.5: amount − reserved − disbursed − released."""
        return self.amount_minor - self.reserved_minor - self.disbursed_minor - self.released_minor


def credit_fund(fund_id: UUID, amount_minor: int, reference: str) -> list[Entry]:
    """Money from the finance bureau into a fund."""
    return [
        Entry(
            EntryKind.FUND_CREDIT,
            amount_minor,
            TREASURY,
            fund_available(fund_id),
            fund_id,
            reference=reference,
        )
    ]


def receive_donation(
    fund_id: UUID, donation_id: UUID, amount_minor: int, designated_project_id: UUID | None
) -> list[Entry]:
    """A donation into a fund, designated to a project or not."""
    target = (
        fund_designated(fund_id, designated_project_id)
        if designated_project_id is not None
        else fund_available(fund_id)
    )
    return [
        Entry(
            EntryKind.DONATION,
            amount_minor,
            DONORS,
            target,
            fund_id,
            donation_id=donation_id,
            project_id=designated_project_id,
        )
    ]


def allocate(
    fund_id: UUID, allocation_id: UUID, project_id: UUID, amount_minor: int, balance: FundBalance
) -> list[Entry]:
    """Earmark fund money for an approved allocation: the project's designated money first."""
    designated = min(amount_minor, balance.designated_minor.get(project_id, 0))
    rest = amount_minor - designated
    entries = []
    if designated:
        entries.append(
            Entry(
                EntryKind.ALLOCATE,
                designated,
                fund_designated(fund_id, project_id),
                allocation_remaining(allocation_id),
                fund_id,
                allocation_id=allocation_id,
                project_id=project_id,
            )
        )
    if rest:
        entries.append(
            Entry(
                EntryKind.ALLOCATE,
                rest,
                fund_available(fund_id),
                allocation_remaining(allocation_id),
                fund_id,
                allocation_id=allocation_id,
                project_id=project_id,
            )
        )
    return entries


def _disbursement_entry(  # noqa: PLR0913 - one movement has this many facts
    kind: EntryKind,
    amount_minor: int,
    source: str,
    target: str,
    *,
    fund_id: UUID,
    allocation_id: UUID,
    disbursement_id: UUID,
    reference: str | None = None,
) -> list[Entry]:
    return [
        Entry(
            kind,
            amount_minor,
            source,
            target,
            fund_id,
            allocation_id=allocation_id,
            disbursement_id=disbursement_id,
            reference=reference,
        )
    ]


def reserve(fund_id: UUID, allocation_id: UUID, disbursement_id: UUID, amount: int) -> list[Entry]:
    """A disbursement request takes money from the allocation's remainder."""
    return _disbursement_entry(
        EntryKind.RESERVE,
        amount,
        allocation_remaining(allocation_id),
        allocation_reserved(allocation_id),
        fund_id=fund_id,
        allocation_id=allocation_id,
        disbursement_id=disbursement_id,
    )


def settle(fund_id: UUID, allocation_id: UUID, disbursement_id: UUID, amount: int) -> list[Entry]:
    """A paid or delivered disbursement leaves the reservation for good."""
    return _disbursement_entry(
        EntryKind.SETTLE,
        amount,
        allocation_reserved(allocation_id),
        allocation_disbursed(allocation_id),
        fund_id=fund_id,
        allocation_id=allocation_id,
        disbursement_id=disbursement_id,
    )


def unreserve(
    fund_id: UUID, allocation_id: UUID, disbursement_id: UUID, amount: int
) -> list[Entry]:
    """A cancelled disbursement returns its reservation to the allocation's remainder."""
    return _disbursement_entry(
        EntryKind.UNRESERVE,
        amount,
        allocation_reserved(allocation_id),
        allocation_remaining(allocation_id),
        fund_id=fund_id,
        allocation_id=allocation_id,
        disbursement_id=disbursement_id,
    )


def release(
    fund_id: UUID, allocation_id: UUID, project_id: UUID, balance: AllocationBalance
) -> list[Entry]:
    """Return a closing allocation's remainder; unspent designated money stays designated."""
    remaining = balance.remaining_minor
    # Disbursements spend the designated part first, so what is left of it goes back designated.
    designated_back = min(remaining, max(0, balance.designated_minor - balance.disbursed_minor))
    rest = remaining - designated_back
    entries = []
    if designated_back:
        entries.append(
            Entry(
                EntryKind.RELEASE,
                designated_back,
                allocation_remaining(allocation_id),
                fund_designated(fund_id, project_id),
                fund_id,
                allocation_id=allocation_id,
                project_id=project_id,
            )
        )
    if rest:
        entries.append(
            Entry(
                EntryKind.RELEASE,
                rest,
                allocation_remaining(allocation_id),
                fund_available(fund_id),
                fund_id,
                allocation_id=allocation_id,
                project_id=project_id,
            )
        )
    return entries
