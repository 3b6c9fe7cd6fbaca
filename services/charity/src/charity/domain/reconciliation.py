"""Reconciliation (对账): an allocation's settled disbursements against the payment results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class DiscrepancyKind(StrEnum):
    """Why a line does not reconcile."""

    MISSING_RESULT = "MISSING_RESULT"  # settled here, absent from the bank/receipt results
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"  # present in both, amounts differ
    UNMATCHED_RESULT = "UNMATCHED_RESULT"  # a result no settled disbursement explains
    DUPLICATE_RESULT = "DUPLICATE_RESULT"  # the same reference reported twice


@dataclass(frozen=True)
class Settled:
    """A disbursement settled in the period, with its bank or receipt reference."""

    disbursement_id: UUID
    reference: str
    amount_minor: int


@dataclass(frozen=True)
class PaymentResult:
    """One line of a bank statement or of the signed receipts."""

    reference: str
    amount_minor: int


@dataclass(frozen=True)
class Discrepancy:
    """One line that does not reconcile."""

    kind: DiscrepancyKind
    reference: str
    disbursement_id: UUID | None
    expected_minor: int
    confirmed_minor: int


@dataclass(frozen=True)
class Outcome:
    """Totals and the discrepancies."""

    expected_minor: int
    confirmed_minor: int
    discrepancies: list[Discrepancy]


def reconcile(settled: Sequence[Settled], results: Sequence[PaymentResult]) -> Outcome:
    """Match by reference: every settled line once, every result line once, amounts equal."""
    counts = Counter(r.reference for r in results)
    by_ref = {r.reference: r for r in results}
    found: list[Discrepancy] = []
    for line in settled:
        result = by_ref.get(line.reference)
        if result is None:
            found.append(_line(DiscrepancyKind.MISSING_RESULT, line, 0))
        elif result.amount_minor != line.amount_minor:
            found.append(_line(DiscrepancyKind.AMOUNT_MISMATCH, line, result.amount_minor))
    known = {line.reference for line in settled}
    for ref, count in sorted(counts.items()):
        amount = by_ref[ref].amount_minor
        if ref not in known:
            found.append(Discrepancy(DiscrepancyKind.UNMATCHED_RESULT, ref, None, 0, amount))
        if count > 1:
            found.append(Discrepancy(DiscrepancyKind.DUPLICATE_RESULT, ref, None, 0, amount))
    return Outcome(
        expected_minor=sum(line.amount_minor for line in settled),
        confirmed_minor=sum(r.amount_minor for r in results),
        discrepancies=found,
    )


def _line(kind: DiscrepancyKind, line: Settled, confirmed: int) -> Discrepancy:
    return Discrepancy(kind, line.reference, line.disbursement_id, line.amount_minor, confirmed)
