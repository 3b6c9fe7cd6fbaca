"""Topic provisioning with aiokafka's admin client: topics exist because we create them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from devstack import clients

if TYPE_CHECKING:
    from shared.events.topics import TopicSpec

TOPIC_ALREADY_EXISTS = 36


class ProvisioningError(RuntimeError):
    """A topic could not be created or did not become available."""


@contextlib.asynccontextmanager
async def admin_client(
    bootstrap: str, client_options: Mapping[str, Any] | None = None
) -> AsyncIterator[Any]:
    """A started ``AIOKafkaAdminClient`` for ``bootstrap``, closed on exit.

    ``client_options`` are aiokafka's security arguments (a secure broker's admin login).
    """
    admin = clients.admin(bootstrap, request_timeout_ms=30000, **(client_options or {}))
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


def _topic_configs(retention_ms: int, min_insync: int | None) -> dict[str, str]:
    configs = {"retention.ms": str(retention_ms)}
    if min_insync is not None:
        configs["min.insync.replicas"] = str(min_insync)
    return configs


async def _create(
    admin: Any, wanted: dict[str, dict[str, str]], partitions: int, replication: int
) -> list[str]:
    if not wanted:
        return []
    new = [clients.new_topic(name, partitions, replication, cfg) for name, cfg in wanted.items()]
    response = await admin.create_topics(new)
    created: list[str] = []
    failures: list[str] = []
    for topic_error in response.to_object()["topic_errors"]:
        code = topic_error["error_code"]
        if code == 0:
            created.append(topic_error["topic"])
        elif code != TOPIC_ALREADY_EXISTS:  # a concurrent provisioner got there first: fine
            failures.append(
                f"{topic_error['topic']}: error {code} {topic_error.get('error_message')}"
            )
    if failures:
        raise ProvisioningError("creating topics failed: " + "; ".join(failures))
    return created


def _unavailable(described: list[Any], names: set[str]) -> set[str]:
    ready = {
        topic["topic"]
        for topic in described
        if topic["error_code"] == 0
        and topic["partitions"]
        and all(part["leader"] >= 0 for part in topic["partitions"])
    }
    return names - ready


async def wait_topics(admin: Any, names: Iterable[str], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait until every topic in ``names`` exists and each of its partitions has a leader."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    missing = set(names)
    while missing:
        missing = _unavailable(await admin.describe_topics(sorted(missing)), missing)
        if not missing:
            return
        if loop.time() > deadline:
            raise ProvisioningError(f"topics without a leader after {timeout}s: {sorted(missing)}")
        await asyncio.sleep(0.1)


async def provision_topics(
    bootstrap: str,
    specs: Iterable[TopicSpec],
    *,
    partitions: int,
    replication: int,
    min_insync: int | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create each missing topic of ``specs``, leave existing ones alone; returns those created.

    Each topic gets ``retention.ms`` from its spec (-1 keeps every event) and, when given,
    ``min.insync.replicas``. Afterwards every spec's topic is verified to exist with leaders.
    ``client_options`` log in on a secure broker (as its admin: creating topics is the admin's).
    """
    wanted = {spec.name: _topic_configs(spec.retention_ms, min_insync) for spec in specs}
    async with admin_client(bootstrap, client_options) as admin:
        existing = set(await admin.list_topics())
        missing = {name: cfg for name, cfg in wanted.items() if name not in existing}
        created = await _create(admin, missing, partitions, replication)
        await wait_topics(admin, wanted)
    return created


async def create_topic(
    bootstrap: str,
    name: str,
    partitions: int = 3,
    *,
    replication: int = 1,
    client_options: Mapping[str, Any] | None = None,
) -> str:
    """Create one topic (kept forever), wait until its partitions have leaders; returns the name."""
    async with admin_client(bootstrap, client_options) as admin:
        await _create(admin, {name: {"retention.ms": "-1"}}, partitions, replication)
        await wait_topics(admin, [name])
    return name


async def delete_topic(bootstrap: str, name: str) -> None:
    """Delete a topic (test cleanup)."""
    async with admin_client(bootstrap) as admin:
        await admin.delete_topics([name])
