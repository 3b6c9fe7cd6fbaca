"""Personal-data guards of DOMAIN §9.3: a field-name denylist and a value scanner.

Both guards report *where* and *which rule*, never the offending value: an error message, a log
line or a test report must not become the leak it is guarding against.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Final

from shared.events.base import IntegrationEvent

# DOMAIN §9.3, verbatim. It matches substrings, hence the false positives listed below.
FIELD_DENYLIST: Final = re.compile(
    r"(?i)(id_?card|id_?no|sfz|identity|name$|^name|phone|mobile|tel|address|addr|birth|dob"
    r"|diagnos|ability_level|health|disab|bank|account_no|face|biometric|lat|lng|location|gps"
    r"|guardian|school)"
)

# DOMAIN §9.3's exceptions. "<entity>.<field>" allows the field on events about that entity
# (see `_entities`); a bare field name is allowed on every event.
FIELD_ALLOWLIST: Final = frozenset(
    {
        "campaign.name",
        "institution.name",
        "meal_point.name",
        "project.name",
        "branch.name",
        "volunteer_corps.name",
        "donor_display_name",
        "title",
    }
)

# Field names of DOMAIN §8 that the substring denylist matches although they hold no personal
# data. Each is allowed by its exact name only, with the reason; a test checks each still matches.
FIELD_FALSE_POSITIVES: Final[Mapping[str, str]] = {
    "allocation_id": "al-location: an allocation (资金安排) id, not a place",
    "escalation_level": "esca-lat-ion: the hazard escalation step 0..2, not a latitude",
    "template_code": "temp-lat-e: a notification template's code, not a latitude",
    "template_version": "temp-lat-e: a notification template's version, not a latitude",
}

# DOMAIN §9.3 runtime publisher guard, verbatim: the pattern names are what errors report.
_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)

_DIGIT_RUN: Final = re.compile(r"[0-9]{11}")

VALUE_PATTERNS: Final[Mapping[str, re.Pattern[str]]] = {
    "id_card": re.compile(
        r"(?<![0-9])[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])"
        r"[0-9]{3}[0-9Xx](?![0-9])"
    ),
    # DOMAIN §9.3's pattern, widened to catch the +86 / 0086 / 86 country prefix as well.
    "mobile": re.compile(r"(?<![0-9])(?:(?:\+|00)?86[- ]?)?1[3-9][0-9]{9}(?![0-9])"),
}


class PersonalDataError(ValueError):
    """Data about to leave a service carries something that looks like personal data."""


def _entities(event: type[IntegrationEvent]) -> set[str]:
    """What an event is about: its aggregate, and the entities its class name names.

    ``VolunteerBranchFounded`` is about the ``volunteer_corps`` aggregate *and* a ``branch``, so
    both ``volunteer_corps.name`` and ``branch.name`` apply to it.
    """
    words = re.findall(r"[A-Z][a-z0-9]*", event.__name__)
    snake = [w.lower() for w in words]
    # Every run of consecutive words, so that "MealPoint..." yields "meal_point".
    runs = {"_".join(snake[i:j]) for i in range(len(snake)) for j in range(i + 1, len(snake) + 1)}
    return runs | {event.AGGREGATE}


def _allowed(event: type[IntegrationEvent], field: str) -> bool:
    if field in FIELD_ALLOWLIST or field in FIELD_FALSE_POSITIVES:
        return True
    return any(f"{entity}.{field}" in FIELD_ALLOWLIST for entity in _entities(event))


def pii_field_violations(events: Iterable[type[IntegrationEvent]]) -> list[str]:
    """Fields of contracts whose names suggest personal data, as ``"Class.field (matches 'x')"``.

    Args:
        events: the contract classes to check.

    Returns:
        One entry per offending field, in the order given; empty when every field is clean.
    """
    violations: list[str] = []
    for event in events:
        for field in event.model_fields:
            match = FIELD_DENYLIST.search(field)
            if match is not None and not _allowed(event, field):
                violations.append(f"{event.__name__}.{field} (matches {match.group(0)!r})")
    return violations


def _patterns_in(text: str) -> list[str]:
    # Ids are UUIDs, whose hex groups can hold an 11-digit run that looks like a mobile number.
    text = _UUID.sub(" ", text)
    return [name for name, pattern in VALUE_PATTERNS.items() if pattern.search(text)]


def _key_segment(key: object) -> str:
    """A path segment for a mapping key; a key that itself looks like personal data is hidden."""
    if isinstance(key, str) and not _patterns_in(key):
        return f".{key}"
    return "[<key>]"


def _walk(value: object) -> Iterator[tuple[str, str]]:
    """Every string inside ``value`` (keys included), depth first, as ``(path, text)``."""
    stack: list[tuple[str, object]] = [("$", value)]
    while stack:
        path, current = stack.pop()
        if isinstance(current, str):
            yield path, current
        elif isinstance(current, Mapping):
            children: list[tuple[str, object]] = []
            for key, child in current.items():
                if isinstance(key, str):
                    yield f"{path}{{key}}", key
                children.append((path + _key_segment(key), child))
            stack.extend(reversed(children))
        elif isinstance(current, list | tuple | set | frozenset):
            stack.extend(reversed([(f"{path}[{i}]", c) for i, c in enumerate(current)]))
        # Numbers (money in fen can have 11 digits), booleans, None and the rest are not scanned.


def looks_personal(text: str) -> bool:
    """Whether any text (say, a serialised document) might hold an ID-card or mobile number.

    A quick screen: False means certainly clean; True means "check precisely" (it also fires on
    integers and keys, which :func:`find_pii` ignores).
    """
    # Both patterns need eleven ASCII digits in a row; a text without such a run (nearly every
    # document) skips the full patterns, whose leading look-behinds make them slow to search.
    return _DIGIT_RUN.search(text) is not None and bool(_patterns_in(text))


def find_pii(value: object) -> list[str]:
    """Where ``value`` holds strings that look like an ID-card or mobile number.

    Nested mappings (keys too), lists, tuples and sets are walked; only strings are scanned,
    never integers. The matched text is never returned.

    Args:
        value: JSON-like data, typically an event's ``data``.

    Returns:
        ``"<path>: <pattern>"`` entries, for example ``"$.items[2].note: mobile"``, in document
        order; ``<pattern>`` is ``id_card`` or ``mobile``. Empty when nothing matched.
    """
    return [f"{path}: {name}" for path, text in _walk(value) for name in _patterns_in(text)]


def assert_no_pii(data: object, *, where: str) -> None:
    """Raise :class:`PersonalDataError` if ``data`` holds what looks like personal data.

    Args:
        data: JSON-like data about to leave the service (an outbox row, template params...).
        where: what the data is, for the message (for example an event type).

    Raises:
        PersonalDataError: naming the paths and patterns found, never the values.
    """
    # Fast path: one pass over the JSON text. Only a hit (which may be an integer, or a key)
    # pays for the precise walk, which alone decides.
    try:
        text = json.dumps(data, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = None
    if text is not None and not looks_personal(text):
        return
    findings = find_pii(data)
    if findings:
        raise PersonalDataError(f"personal data in {where}: {'; '.join(findings)}")
