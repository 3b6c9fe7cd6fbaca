"""Synthetic people: valid-looking ID-card numbers (GB 11643), names and phones.

Every number here is made up for the demo (DOMAIN §9.2.6): checksums are valid so that the
services accept them, nothing else about them is real.
"""

from __future__ import annotations

from datetime import date, timedelta

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋"
_GIVEN = "桂英秀兰建国志强丽华玉梅红军德明春生淑珍海燕金凤福来永清月娥长林冬梅国华"


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_card(region: str, born: date, serial: int) -> str:
    """An 18-character ID number: region code, birth date, serial (000–999), check character."""
    first17 = f"{region[:6]}{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_char(first17)


def birth_date(index: int, oldest: date, youngest: date) -> date:
    """A birth date between ``oldest`` and ``youngest`` chosen by ``index`` (deterministic)."""
    span = (youngest - oldest).days
    return oldest + timedelta(days=(index * 7919) % (span + 1))


def name(index: int) -> str:
    """A synthetic Chinese name (surname + two characters)."""
    surname = _SURNAMES[index % len(_SURNAMES)]
    given = _GIVEN[(index // len(_SURNAMES)) % len(_GIVEN)]
    given2 = _GIVEN[(index * 7 + 3) % len(_GIVEN)]
    return f"{surname}{given}{given2}"


def mobile(index: int) -> str:
    """A synthetic mainland mobile number (139 + 8 digits)."""
    return f"139{(index * 104729) % 100_000_000:08d}"
