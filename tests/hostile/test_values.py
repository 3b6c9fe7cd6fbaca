"""Values only the database could refuse are 422 ``invalid_input``, never a 500 (DECISIONS §6).

An instant with no UTC equivalent (0001-01-01 at +01:00, 9999-12-31 at -01:00) passes every
pydantic check and used to fail only when asyncpg encoded it.
"""

from __future__ import annotations

import uuid

from tests.hostile.conftest import Stack

NO_UTC = ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00")


async def test_instants_without_a_utc_equivalent_are_422(stack: Stack):
    charity = await stack.get("charity")
    fund = await charity.client.post(
        "/funds",
        json={"code": f"F-{uuid.uuid4().hex[:8]}", "source_type": "DONATION"},
        headers=charity.auth("finance_officer"),
    )
    assert fund.status_code == 201, fund.text
    notify = await stack.get("notify")
    for instant in NO_UTC:
        credit = {"amount_minor": 5, "credited_at": instant, "reference": uuid.uuid4().hex[:8]}
        credited = await charity.client.post(
            f"/funds/{fund.json()['id']}/credits",
            json=credit,
            headers=charity.auth("finance_officer"),
        )
        listed = await notify.client.get(
            "/notifications", params={"since": instant}, headers=notify.auth("auditor")
        )
        for response in (credited, listed):
            assert response.status_code == 422, (instant, response.text)
            # (a credit dated 9999 is refused first as a credit in the future)
            assert response.json()["code"] in ("invalid_input", "in_future")
    ledger = await charity.client.get(
        f"/funds/{fund.json()['id']}", headers=charity.auth("finance_officer")
    )
    assert ledger.status_code == 200
