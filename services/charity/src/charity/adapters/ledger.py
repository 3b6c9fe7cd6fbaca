"""The ledger in SQL: append entries, derive balances by summing them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from charity.domain import ledger
from charity.domain.errors import ConflictError
from charity.domain.ledger import AllocationBalance, Entry, EntryKind, FundBalance

_INSERT = """
INSERT INTO ledger_entries (kind, amount_minor, from_account, to_account, fund_id, allocation_id,
                            disbursement_id, donation_id, project_id, reference, occurred_at)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::uuid[], $6::uuid[],
                     $7::uuid[], $8::uuid[], $9::uuid[], $10::text[], $11::timestamptz[])
"""
# Balance of every internal account of a fund, summed from the entries (not from the cache).
_FUND_ACCOUNTS = """
SELECT account, sum(amount) AS balance FROM (
    SELECT to_account AS account, amount_minor AS amount FROM ledger_entries WHERE fund_id = $1
    UNION ALL
    SELECT from_account, -amount_minor FROM ledger_entries WHERE fund_id = $1
) moves WHERE account LIKE 'fund:%' GROUP BY account
"""
_FUND_KINDS = """
SELECT kind, sum(amount_minor) AS total FROM ledger_entries WHERE fund_id = $1 GROUP BY kind
"""
_ALLOCATION_MOVES = """
SELECT kind, from_account, sum(amount_minor) AS total FROM ledger_entries
WHERE allocation_id = $1 GROUP BY kind, from_account
"""


class PostgresLedger:
    """The ledger on the command's connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def post(self, entries: Sequence[Entry], *, at: datetime) -> None:
        """Append entries; the database refuses any that would overdraw an internal account."""
        if not entries:
            return
        columns = [
            [e.kind.value for e in entries],
            [e.amount_minor for e in entries],
            [e.from_account for e in entries],
            [e.to_account for e in entries],
            [e.fund_id for e in entries],
            [e.allocation_id for e in entries],
            [e.disbursement_id for e in entries],
            [e.donation_id for e in entries],
            [e.project_id for e in entries],
            [e.reference for e in entries],
            [at for _ in entries],
        ]
        try:
            await self._conn.execute(_INSERT, *columns)
        except asyncpg.CheckViolationError as exc:
            if exc.constraint_name != "account_balances_not_negative":
                raise
            raise _overdrawn(entries) from None

    async def fund_balance(self, fund_id: UUID) -> FundBalance:
        """A fund's position, summed from its entries."""
        accounts = {
            r["account"]: int(r["balance"]) for r in await self._conn.fetch(_FUND_ACCOUNTS, fund_id)
        }
        kinds = {r["kind"]: int(r["total"]) for r in await self._conn.fetch(_FUND_KINDS, fund_id)}
        prefix = f"fund:{fund_id}:designated:"
        designated = {
            UUID(account.removeprefix(prefix)): balance
            for account, balance in accounts.items()
            if account.startswith(prefix) and balance
        }
        return FundBalance(
            credited_minor=kinds.get(EntryKind.FUND_CREDIT, 0),
            donated_minor=kinds.get(EntryKind.DONATION, 0),
            allocated_minor=kinds.get(EntryKind.ALLOCATE, 0),
            released_minor=kinds.get(EntryKind.RELEASE, 0),
            undesignated_minor=accounts.get(ledger.fund_available(fund_id), 0),
            designated_minor=designated,
        )

    async def allocation_balance(self, allocation_id: UUID, amount_minor: int) -> AllocationBalance:
        """An allocation's position, summed from its entries."""
        totals: dict[str, int] = {}
        designated = 0
        for row in await self._conn.fetch(_ALLOCATION_MOVES, allocation_id):
            totals[row["kind"]] = totals.get(row["kind"], 0) + int(row["total"])
            is_designated = ":designated:" in row["from_account"]
            if row["kind"] == EntryKind.ALLOCATE and is_designated:
                designated += int(row["total"])
        reserved = (
            totals.get(EntryKind.RESERVE, 0)
            - totals.get(EntryKind.SETTLE, 0)
            - totals.get(EntryKind.UNRESERVE, 0)
        )
        return AllocationBalance(
            amount_minor=amount_minor,
            designated_minor=designated,
            reserved_minor=reserved,
            disbursed_minor=totals.get(EntryKind.SETTLE, 0),
            released_minor=totals.get(EntryKind.RELEASE, 0),
        )


def _overdrawn(entries: Sequence[Entry]) -> ConflictError:
    """The refusal matching the account the database found overdrawn."""
    if any(e.from_account.startswith("allocation:") for e in entries):
        return ConflictError("insufficient_allocation_balance", "资金安排余额不足")
    return ConflictError("insufficient_fund_balance", "资金池可用余额不足")
