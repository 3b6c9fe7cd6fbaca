"""The shape of a result file, and what the machine was doing meanwhile."""

import os
from datetime import UTC, datetime
from typing import Any


def result(  # noqa: PLR0913 - every field of a result is required
    name: str,
    description: str,
    *,
    value: float,
    baseline: float,
    unit: str,
    target: str,
    met: bool,
    **extra: Any,
) -> dict[str, Any]:
    """``name``, ``value``, ``baseline``, ``ratio`` (value / baseline), ``target``, ``met`` …."""
    clash = extra.keys() & {"name", "description", "value", "baseline", "ratio", "target", "met"}
    if clash:
        raise ValueError(f"extra fields would replace {sorted(clash)}")
    return {
        "name": name,
        "description": description,
        "value": round(value, 2),
        "baseline": round(baseline, 2),
        "ratio": round(value / baseline, 3) if baseline else None,
        "target": target,
        "met": met,
        "unit": unit,
        **extra,
    }


def machine() -> dict[str, Any]:
    """When, on how many CPUs, and the load average (1, 5, 15 min) now."""
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
