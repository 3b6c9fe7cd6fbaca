"""Small worlds for the access tests: things created through the services' public APIs."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg

from eldercare.domain.identity import check_character
from shared.events import envelope_for
from shared.events.eldercare import InstitutionRegistered
from shared.http.auth import principal_for
from shared.testing import Harness
from shared.testing.harness import wait_until


def person(key: str) -> str:
    """The person id behind a token key."""
    return str(principal_for(key).person_id)


async def made(
    svc: Harness, path: str, body: dict[str, Any], role: str, method: str = "POST"
) -> dict[str, Any]:
    """Run a command that must succeed; its JSON answer."""
    response = await svc.client.request(method, path, json=body, headers=svc.auth(role))
    assert response.is_success, f"{method} {path}: {response.status_code} {response.text}"
    doc: dict[str, Any] = response.json()
    return doc


async def institution_event(svc: Harness, *, replica: tuple[str, str] | None = None) -> str:
    """An active institution announced by eldercare (as its relay would); its id.

    With ``replica`` (a table of the consuming service and its key), waits for the row.
    """
    site_id = uuid.uuid4()
    at = datetime(2020, 1, 1, tzinfo=UTC)
    event = InstitutionRegistered(
        institution_id=site_id,
        filing_no=f"F-{site_id.hex[:8]}",
        name="访问控制测试养老院",
        kind="ELDERCARE_PRIVATE",
        county_code="430902",
        township_code="430902001",
        beds=40,
        head_person_id=uuid.UUID(person("institution_staff")),
        status="ACTIVE",
        registered_at=at,
    )
    await svc.publish(
        envelope_for(event, source="eldercare", version=1, time=at), topic=event.TOPIC
    )
    if replica is not None:
        await arrived(svc, *replica, site_id)
    return str(site_id)


async def arrived(svc: Harness, table: str, key: str, value: uuid.UUID) -> None:
    """Wait until a consumer of the service has written the row of ``value``."""
    sql = f"SELECT count(*) = 1 FROM {table} WHERE {key} = $1"  # noqa: S608 - fixed names

    async def there() -> bool:
        try:
            return bool(await svc.pool.fetchval(sql, value))
        except asyncpg.UndefinedTableError:  # views creates its tables once its consumer starts
            return False

    await wait_until(there, timeout=30)


def id_card(born: str = "19450312", region: str = "430902") -> str:
    """A synthetic ID-card number with a valid check character (never a real person's)."""
    first17 = f"{region}{born}{secrets.randbelow(1000):03d}"
    return first17 + check_character(first17)


def mobile() -> str:
    """A synthetic mainland mobile number."""
    return f"139{secrets.randbelow(10**8):08d}"


async def made_by_each(
    svc: Harness,
    roles: Sequence[str] | None,
    path: str,
    body: Callable[[], dict[str, Any]],
    method: str = "POST",
) -> dict[str, Any]:
    """Run a valid command once as each role its matrix row allows (each must succeed).

    This is the matrix's "right role → 2xx" for creating commands; the first answer is returned.
    """
    assert roles, f"{method} {path} needs a token"
    answers = [await made(svc, path, body(), role, method) for role in roles]
    return answers[0]
