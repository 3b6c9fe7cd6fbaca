"""OpenAPI and AsyncAPI are complete; no personal data in any event or log line."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest

from shared.events import charity as ev
from shared.events.pii import find_pii
from shared.testing import Harness
from tests.integration.helpers import Api, problem
from tests.support import id_card

# Every command of DOMAIN §6 (plus the reads a caller needs), as METHOD path.
COMMANDS = {
    "POST /funds",
    "POST /funds/{fund_id}/credits",
    "POST /donations",
    "POST /projects",
    "POST /beneficiaries",
    "POST /beneficiaries/{beneficiary_id}/enrollments",
    "POST /beneficiaries/{beneficiary_id}/deactivate",
    "POST /allocations",
    "POST /allocations/{allocation_id}/submit",
    "POST /allocations/{allocation_id}/approvals",
    "POST /allocations/{allocation_id}/close",
    "POST /allocations/{allocation_id}/disbursements",
    "POST /disbursements/{disbursement_id}/confirm-paid",
    "POST /disbursements/{disbursement_id}/confirm-delivered",
    "POST /disbursements/{disbursement_id}/fail",
    "POST /disbursements/{disbursement_id}/retry",
    "POST /disbursements/{disbursement_id}/cancel",
    "POST /reconciliations",
    "POST /child-care-sessions",
}


async def test_openapi_documents_every_command_with_its_errors(svc: Harness) -> None:
    spec = (await svc.client.get("/openapi.json")).json()
    routes = {f"{m.upper()} {p}": op for p, ops in spec["paths"].items() for m, op in ops.items()}
    assert set(routes) >= COMMANDS
    for name, op in routes.items():
        assert op.get("summary"), name
        if name.split()[1].startswith(("/health", "/ready", "/metrics", "/asyncapi")):
            continue
        assert {"401", "403"} <= set(op["responses"]), name
        if name in COMMANDS:
            assert {"409", "422"} <= set(op["responses"]), name
            assert "application/problem+json" in op["responses"]["422"]["content"], name
    for name in COMMANDS:
        if name.startswith("POST /") and name.count("/") == 1:
            params = {p["name"] for p in routes[name].get("parameters", [])}
            assert "Idempotency-Key" in params, name


async def test_asyncapi_publishes_every_charity_event_and_consumes_eldercare(svc: Harness) -> None:
    doc = (await svc.client.get("/asyncapi")).json()
    channels = doc["channels"]
    for event in ev.EVENTS:
        assert f"{event.TOPIC}:{event.TYPE}" in channels, event.TYPE
        assert f"{event.__name__}Event" in doc["components"]["schemas"]
    addresses = {c["address"] for c in channels.values()}
    # The consumer's subscription is documented too (under this run's topic prefix).
    for consumed in ("eldercare.elders", "eldercare.institutions"):
        assert any(address.endswith(consumed) for address in addresses), consumed


_HEX_ID = re.compile(r"\b(?:[0-9a-f]{32}|[0-9a-f]{16})\b")
_FRACTION = re.compile(r"(?<=[0-9])\.[0-9]+")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    root = logging.getLogger()
    handler = _Collect()
    # Exactly what the service writes: its own JSON formatter (message, level, logger, extras).
    handler.setFormatter(
        next(h.formatter for h in root.handlers if type(h.formatter).__name__ == "JsonFormatter")
    )
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_no_personal_data_in_any_event_or_log_line(api: Api, log_lines: list[str]) -> None:
    number = id_card()
    await api.beneficiary(
        "CHILD", name="赵小燕", id_card_no=number, guardian_phone="13812345678", school="资阳区小学"
    )
    problem(
        await api.post(
            "/beneficiaries",
            {"kind": "CHILD", "county_code": "430902", "name": "赵小燕", "id_card_no": number},
            "caseworker",
        ),
        409,
        "duplicate_beneficiary",
    )
    problem(
        await api.post(
            "/beneficiaries",
            {
                "kind": "CHILD",
                "county_code": "430902",
                "name": "赵小燕",
                "id_card_no": number[:-1] + "Y",
            },
            "caseworker",
        ),
        422,
        "invalid_id_card",
    )
    await api.assert_events_clean()
    text = "\n".join(log_lines)
    assert log_lines  # the service did log (requests, relay, consumer), so the scan means something
    # Hex ids (trace, span, message: 16 or 32 characters) and the fractional digits of numbers
    # (durations) may hold an 11-digit run that looks like a mobile number; neither is personal
    # data, so both are scrubbed before the scan.
    scrubbed = [_FRACTION.sub("", _HEX_ID.sub(" ", line)) for line in log_lines]
    leaks = [(json.loads(line)["name"], find_pii(json.loads(line))) for line in scrubbed]
    assert [leak for leak in leaks if leak[1]] == []
    assert "赵小燕" not in text
    assert number not in text
