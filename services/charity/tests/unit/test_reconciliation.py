"""Matching settled disbursements against payment results."""

from __future__ import annotations

import uuid

from charity.domain.reconciliation import DiscrepancyKind, PaymentResult, Settled, reconcile

A, B = uuid.uuid4(), uuid.uuid4()


def test_a_perfect_match_has_no_discrepancy() -> None:
    settled = [Settled(A, "R1", 100), Settled(B, "R2", 200)]
    outcome = reconcile(settled, [PaymentResult("R2", 200), PaymentResult("R1", 100)])
    assert (outcome.expected_minor, outcome.confirmed_minor, outcome.discrepancies) == (
        300,
        300,
        [],
    )


def test_every_kind_of_discrepancy() -> None:
    settled = [Settled(A, "R1", 100), Settled(B, "R2", 200)]
    results = [PaymentResult("R1", 90), PaymentResult("R9", 5), PaymentResult("R9", 5)]
    outcome = reconcile(settled, results)
    found = {(d.kind, d.reference) for d in outcome.discrepancies}
    assert found == {
        (DiscrepancyKind.AMOUNT_MISMATCH, "R1"),
        (DiscrepancyKind.MISSING_RESULT, "R2"),
        (DiscrepancyKind.UNMATCHED_RESULT, "R9"),
        (DiscrepancyKind.DUPLICATE_RESULT, "R9"),
    }
    assert (outcome.expected_minor, outcome.confirmed_minor) == (300, 100)


def test_nothing_to_reconcile_is_clean() -> None:
    outcome = reconcile([], [])
    assert (outcome.expected_minor, outcome.confirmed_minor, outcome.discrepancies) == (0, 0, [])
