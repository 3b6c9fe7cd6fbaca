"""The ledger's movements: every entry moves positive fen between two accounts."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from charity.domain import ledger
from charity.domain.ledger import AllocationBalance, Entry, EntryKind, FundBalance

FUND, PROJECT, OTHER, ALLOCATION = (uuid.uuid4() for _ in range(4))


def balances(entries: list[Entry]) -> Counter[str]:
    moved: Counter[str] = Counter()
    for e in entries:
        moved[e.from_account] -= e.amount_minor
        moved[e.to_account] += e.amount_minor
    return moved


def test_an_entry_refuses_zero_negative_and_non_integer_amounts() -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="positive integer"):
            Entry(EntryKind.FUND_CREDIT, bad, ledger.TREASURY, "fund:x:available", FUND)  # type: ignore[arg-type]


def test_an_entry_moves_between_two_different_accounts() -> None:
    with pytest.raises(ValueError, match="two different accounts"):
        Entry(EntryKind.RESERVE, 1, "a", "a", FUND)


def test_every_movement_sums_to_zero_over_all_accounts() -> None:
    balance = FundBalance(0, 0, 0, 0, 700, {PROJECT: 300})
    entries = [
        *ledger.credit_fund(FUND, 700, "CZ-1"),
        *ledger.receive_donation(FUND, uuid.uuid4(), 300, PROJECT),
        *ledger.allocate(FUND, ALLOCATION, PROJECT, 1_000, balance),
        *ledger.reserve(FUND, ALLOCATION, uuid.uuid4(), 400),
    ]
    assert sum(balances(entries).values()) == 0


def test_allocation_takes_the_projects_designated_money_first() -> None:
    balance = FundBalance(0, 0, 0, 0, 1_000, {PROJECT: 300, OTHER: 500})
    entries = ledger.allocate(FUND, ALLOCATION, PROJECT, 400, balance)
    assert [(e.from_account, e.amount_minor) for e in entries] == [
        (ledger.fund_designated(FUND, PROJECT), 300),
        (ledger.fund_available(FUND), 100),
    ]
    assert balance.usable_for(PROJECT) == 1_300
    assert balance.usable_for(OTHER) == 1_500
    assert balance.available_minor == 1_800


def test_release_returns_unspent_designated_money_to_its_designation() -> None:
    spent = AllocationBalance(
        1_000, designated_minor=300, reserved_minor=0, disbursed_minor=100, released_minor=0
    )
    entries = ledger.release(FUND, ALLOCATION, PROJECT, spent)
    assert [(e.to_account, e.amount_minor) for e in entries] == [
        (ledger.fund_designated(FUND, PROJECT), 200),
        (ledger.fund_available(FUND), 700),
    ]
    assert sum(e.amount_minor for e in entries) == spent.remaining_minor == 900


def test_nothing_to_release_posts_nothing() -> None:
    spent = AllocationBalance(500, 0, 0, 500, 0)
    assert ledger.release(FUND, ALLOCATION, PROJECT, spent) == []


def test_remaining_is_amount_minus_reserved_disbursed_and_released() -> None:
    assert AllocationBalance(1_000, 0, 200, 300, 0).remaining_minor == 500
