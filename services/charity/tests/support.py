"""Synthetic test data shared by unit and integration tests (never a real person's)."""

from __future__ import annotations

import random
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card(birth: date = date(2012, 5, 17), region: str = "430902") -> str:
    """A synthetic ID-card number with a valid check character."""
    body = f"{region}{birth:%Y%m%d}{random.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
