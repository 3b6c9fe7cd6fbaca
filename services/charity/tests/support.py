"""Synthetic test data shared by unit and integration tests (never a real person's)."""

from __future__ import annotations

import random
from datetime import date, timedelta

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_REGIONS = ("430902", "430903", "430921", "430922", "430923", "430981")
_issued: set[str] = set()


def id_card(birth: date | None = None, region: str | None = None) -> str:
    """A synthetic ID-card number with a valid check character, unique in this test session."""
    while True:
        born = birth or date(2008, 1, 1) + timedelta(days=random.randrange(12 * 365))
        body = f"{region or random.choice(_REGIONS)}{born:%Y%m%d}{random.randrange(1000):03d}"
        total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
        number = body + "10X98765432"[total % 11]
        if number not in _issued:
            _issued.add(number)
            return number
