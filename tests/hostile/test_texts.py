"""Text with SQL, HTML and control characters: stored and returned verbatim, or refused.

Each service's free-text fields either refuse a control character with 422 ``invalid_input``
(where the API forbids them) or store the text and return it exactly as sent; SQL in a text is
data, never executed (its table is still there, the list still answers); HTML is returned as
the same characters (rendering it safely is each reader's job: see ``test_dashboard``). notify
renders its parameters into messages and sanitises them per channel (README "Templates"):
control characters are collapsed there, never passed on to a provider.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.testing import Harness
from tests.hostile.conftest import Stack

SQL = ("'; DROP TABLE {table}; --", '" OR 1=1; SELECT pg_sleep(30); --')
HTML = ("<script>alert(1)</script>", '<img src=x onerror="alert(1)">&amp;')
# What notify must never hand a provider (line breaks of its own template aside).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL = ("\x00", "红\x07\x1b[31m色\x1b[0m", "第一行\r\n第二行", "\u202e反转\u200b", "制\t表")


@dataclass(frozen=True)
class Field:
    """A text field of a creating command, and where the stored value is read back."""

    service: str
    table: str
    role: str
    path: str
    field: str

    def body(self, text: str) -> dict[str, Any]:
        """A valid command carrying ``text`` in the field."""
        unique = uuid.uuid4().hex[:10]
        bodies: dict[str, dict[str, Any]] = {
            "/campaigns": {
                "code": f"C-{unique}",
                "name": f"行动{unique}",
                "kind": "ROOT_CAUSE",
                "start_on": "2024-01-01",
                "lead_unit": "市民政局",
            },
            "/institutions": {
                "filing_no": f"BA-{unique}",
                "name": f"敬老院{unique}",
                "kind": "ELDERCARE_SAFETY_NET",
                "county_code": "430902",
                "township_code": "430902001",
                "beds": 20,
                "head_person_id": str(uuid.uuid4()),
            },
            "/projects": {
                "code": f"PRJ-{unique}",
                "name": f"慰问{unique}",
                "kind": "RELIEF_GOODS",
                "purpose": "RELIEVE_POVERTY",
                "in_project_library": True,
            },
        }
        return bodies[self.path] | {self.field: text}


FIELDS = [
    Field("inspection", "campaigns", "safety_lead", "/campaigns", "name"),
    Field("inspection", "campaigns", "safety_lead", "/campaigns", "lead_unit"),
    Field("eldercare", "institutions", "admin", "/institutions", "name"),
    Field("charity", "projects", "finance_officer", "/projects", "name"),
]


async def created(svc: Harness, field: Field, text: str) -> tuple[int, Any]:
    """Create with ``text``; the status, and the stored value read back (None if refused)."""
    made = await svc.client.post(field.path, json=field.body(text), headers=svc.auth(field.role))
    if made.status_code != 201:
        assert made.headers["content-type"] == "application/problem+json", made.text
        return made.status_code, made.json()
    read = await svc.client.get(f"{field.path}/{made.json()['id']}", headers=svc.auth(field.role))
    assert read.status_code == 200, read.text
    assert made.json()[field.field] == read.json()[field.field]
    return 201, read.json()[field.field]


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.service}{f.path}.{f.field}")
async def test_sql_and_html_are_stored_and_returned_verbatim(stack: Stack, field: Field):
    svc = await stack.get(field.service)
    for template in (*SQL, *HTML):
        text = template.format(table=field.table)
        status, stored = await created(svc, field, text)
        assert (status, stored) == (201, text), text
    assert await svc.pool.fetchval("SELECT to_regclass($1) IS NOT NULL", field.table)
    listed = await svc.client.get(field.path, headers=svc.auth(field.role))
    assert listed.status_code == 200


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.service}{f.path}.{f.field}")
async def test_control_characters_are_refused_or_kept_exactly(stack: Stack, field: Field):
    svc = await stack.get(field.service)
    outcomes = {}
    for text in CONTROL:
        status, stored = await created(svc, field, text)
        if status == 201:
            assert stored == text, "stored, so returned exactly as sent"
        else:
            assert (status, stored["code"]) == (422, "invalid_input"), stored
        outcomes[text] = status
    assert outcomes["\x00"] == 422, "no PostgreSQL text holds NUL: refused, never a 500"


async def test_notify_renders_hostile_parameters_as_plain_text(stack: Stack):
    svc = await stack.get("notify")
    sinks = svc.app.state.hostile_sinks
    person = uuid.uuid4()
    address = f"p{person.hex[:12]}@test.yiyang.example"
    put = await svc.client.put(
        f"/contacts/{person}", json={"email": address}, headers=svc.auth("admin")
    )
    assert put.status_code == 200, put.text
    made: dict[str, str] = {}
    for text in (*SQL, *HTML, *CONTROL):
        body = {"recipient_person_id": str(person), "params": {"title": "会议", "message": text}}
        response = await svc.client.post(
            "/notifications", json=body, headers=svc.auth("notify_operator")
        )
        assert response.status_code in (201, 422), response.text
        if response.status_code == 422:
            assert response.json()["code"] == "invalid_input", text
            continue
        made[text] = response.json()["id"]
    assert "\x00" not in made, "NUL is refused (no PostgreSQL text holds it)"
    sweep = await svc.client.post("/_admin/sweeps/dispatch", headers=svc.auth("admin"))
    assert sweep.status_code == 200, sweep.text
    async with httpx.AsyncClient(base_url=sinks.http_url) as sink:
        mails = (await sink.get("/messages", params={"kind": "email", "to": address})).json()
    assert len(mails) == len(made)
    for text, notification_id in made.items():
        shown = await svc.client.get(
            f"/notifications/{notification_id}", headers=svc.auth("notify_operator")
        )
        rendered = shown.json()["text"]
        # (SMTP ends the message with a line break of its own.)
        assert rendered.strip() in {m["text"].strip() for m in mails}, "sent is what is shown"
        if text in (*SQL, *HTML):
            assert rendered.startswith(text), "the e-mail carries the parameter unchanged"
        assert not CONTROL_CHARACTER.search(rendered), repr(rendered)
    assert await svc.pool.fetchval("SELECT to_regclass('notifications') IS NOT NULL")
