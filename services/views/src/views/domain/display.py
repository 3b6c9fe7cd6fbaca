"""Display rules of the report (DOMAIN §10.3): exact counts, approximate counts with 余, money."""

from __future__ import annotations

_WAN_FEN = 1_000_000  # 10,000 yuan in fen: from here on money is shown in 万


def _truncate(n: int) -> int:
    """``n`` truncated to one significant figure (numbers under 10 stay as they are)."""
    if n < 10:
        return n
    m = int(10 ** (len(str(n)) - 1))
    return n // m * m


def approx(n: int) -> str:
    """One significant figure, truncated, with 余 when anything was cut off: 74 → "70余"."""
    base = _truncate(n)
    return f"{base}余" if n > base else str(base)


def exact(n: int) -> str:
    """The number as it is, without a thousands separator: 2637 → "2637"."""
    return str(n)


def money(fen: int) -> str:
    """Yuan, in 万 from 10,000 yuan on; any remainder gives 余: 912_600_000 → "900万余元"."""
    if fen >= _WAN_FEN:
        whole, scale, mid = fen // _WAN_FEN, _WAN_FEN, "万"
    else:
        whole, scale, mid = fen // 100, 100, ""
    base = _truncate(whole)
    return f"{base}{mid}" + ("余" if fen > base * scale else "") + "元"


def yuan(fen: int) -> str:
    """An exact amount in yuan with two decimals and separators, for ledgers: "9,000.00元"."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}元"
