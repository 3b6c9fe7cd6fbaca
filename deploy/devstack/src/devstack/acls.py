"""The broker's ACLs, derived from the code rather than listed by hand.

On a secure broker (``allow.everyone.if.no.acl.found=false``) a principal may do only what an
ACL grants. The grants follow from ``shared.events.topics``:

* a service WRITEs (and DESCRIBEs) the topics it produces, i.e. every topic of ``all_topics()``
  whose ``producer`` it is, its own ``<service>.dlq`` included, and has IDEMPOTENT_WRITE on the
  cluster for its idempotent producers (relay, DLQ);
* it READs the topics it consumes (``CONSUMES``: its handlers' topics; views' rebuild readers
  and status page read the same ones without a group) and its own consumer group;
* the integrator READs the topics ``integrator_readable`` allows (no DLQ, no restricted topic,
  no ``notify.*``) and consumer groups whose names start with ``integrator.``; nothing else;
* the admin (provisioning, the broker itself) is the super user and needs no ACL.

``sync_acls`` makes the broker's ACLs of these principals equal to the derived set: it creates
what is missing and deletes what is no longer derived. ``upsert_scram_users`` gives each principal
its SCRAM-SHA-512 password (only the admin's is bootstrapped when the storage is formatted), so a
changed password takes effect on the next provisioning. This module imports nothing that needs
the repository (it runs in the compose init job).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from pydantic import SecretStr

from devstack import clients
from shared.events.topics import (
    CONSUMES,
    INTEGRATOR_GROUP_PREFIX,
    all_topics,
    integrator_readable,
)
from shared.kafka_security import KafkaSecurity

SERVICES: tuple[str, ...] = tuple(CONSUMES)
INTEGRATOR = "integrator"
CLUSTER_RESOURCE = "kafka-cluster"  # the one name a CLUSTER resource has
ANY_HOST = "*"
ALLOW = 3
SCRAM_SHA_512 = 2  # ScramMechanism code of the protocol
SCRAM_ITERATIONS = 4096  # Kafka's default and minimum for SCRAM-SHA-512


class Resource(IntEnum):
    """Kafka's ``ResourceType`` codes (the ones used here)."""

    TOPIC = 2
    GROUP = 3
    CLUSTER = 4


class Pattern(IntEnum):
    """Kafka's ``PatternType`` codes."""

    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    """Kafka's ``AclOperation`` codes (the ones used here)."""

    READ = 3
    WRITE = 4
    DESCRIBE = 8
    IDEMPOTENT_WRITE = 12


class AclError(RuntimeError):
    """The broker refused or did not apply an ACL change."""


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW binding for any host: ``principal`` may ``operation`` on a resource."""

    principal: str
    resource: Resource
    name: str
    operation: Operation
    pattern: Pattern = Pattern.LITERAL

    def wire(self) -> clients.AclTuple:
        """The binding as the CreateAcls/DeleteAcls protocol carries it."""
        return (
            int(self.resource),
            self.name,
            int(self.pattern),
            f"User:{self.principal}",
            ANY_HOST,
            int(self.operation),
            ALLOW,
        )

    def __str__(self) -> str:
        star = "*" if self.pattern is Pattern.PREFIXED else ""
        return f"User:{self.principal} {self.operation.name} {self.resource.name}:{self.name}{star}"


def service_acls(service: str, *, topic_prefix: str = "", group: str | None = None) -> set[Acl]:
    """What ``service`` may do: write what it produces, read what it consumes, use its group."""
    if service not in CONSUMES:
        raise KeyError(f"unknown service {service!r}; CONSUMES lists {sorted(CONSUMES)}")
    acls: set[Acl] = set()
    produced = [spec.name for spec in all_topics() if spec.producer == service]
    for topic in produced:
        name = topic_prefix + topic
        acls.add(Acl(service, Resource.TOPIC, name, Operation.WRITE))
        acls.add(Acl(service, Resource.TOPIC, name, Operation.DESCRIBE))
    if produced:
        acls.add(Acl(service, Resource.CLUSTER, CLUSTER_RESOURCE, Operation.IDEMPOTENT_WRITE))
    for topic in CONSUMES[service]:
        acls.add(Acl(service, Resource.TOPIC, topic_prefix + topic, Operation.READ))
    if CONSUMES[service]:
        acls.add(Acl(service, Resource.GROUP, group or service, Operation.READ))
    return acls


def integrator_acls(*, topic_prefix: str = "") -> set[Acl]:
    """What an integrator may do: read the public domain topics with its own groups."""
    acls = {
        Acl(INTEGRATOR, Resource.TOPIC, topic_prefix + spec.name, Operation.READ)
        for spec in all_topics()
        if integrator_readable(spec)
    }
    acls.add(
        Acl(
            INTEGRATOR,
            Resource.GROUP,
            INTEGRATOR_GROUP_PREFIX,
            Operation.READ,
            Pattern.PREFIXED,
        )
    )
    return acls


def platform_acls(*, topic_prefix: str = "", services: Iterable[str] = SERVICES) -> set[Acl]:
    """Every ACL of the deployment: each service's and the integrator's."""
    acls = integrator_acls(topic_prefix=topic_prefix)
    for service in services:
        acls |= service_acls(service, topic_prefix=topic_prefix)
    return acls


def principals() -> tuple[str, ...]:
    """The principals whose ACLs provisioning owns (every service and the integrator)."""
    return (*SERVICES, INTEGRATOR)


def _raise_on_error(code: int, message: str | None, what: str) -> None:
    if code:
        raise AclError(f"{what} failed: error {code} {message or ''}".rstrip())


async def current_acls(admin: Any) -> set[clients.AclTuple]:
    """Every ACL binding the broker holds, as protocol tuples."""
    response = await clients.send(admin, clients.describe_acls_request())
    _raise_on_error(response.error_code, response.error_message, "DescribeAcls")
    found: set[clients.AclTuple] = set()
    for resource_type, resource_name, pattern_type, bindings in response.resources:
        for principal, host, operation, permission in bindings:
            found.add(
                (resource_type, resource_name, pattern_type, principal, host, operation, permission)
            )
    return found


@dataclass
class AclSync:
    """What :func:`sync_acls` changed."""

    created: list[clients.AclTuple] = field(default_factory=list)
    deleted: list[clients.AclTuple] = field(default_factory=list)
    kept: int = 0


def _owned(binding: clients.AclTuple, owners: set[str]) -> bool:
    return binding[3] in owners


async def sync_acls(
    admin: Any,
    wanted: Iterable[Acl],
    *,
    owners: Iterable[str] | None = None,
    timeout: float = 30.0,  # noqa: ASYNC109 - one deadline over several requests
) -> AclSync:
    """Make the ACLs of ``owners`` (default :func:`principals`) equal ``wanted``.

    Returns once the broker describes exactly that set, so that clients started afterwards
    already meet the new rules.
    """
    target = {acl.wire() for acl in wanted}
    owned = {f"User:{name}" for name in (principals() if owners is None else owners)}
    before = {b for b in await current_acls(admin) if _owned(b, owned)}
    result = AclSync(
        created=sorted(target - before),
        deleted=sorted(before - target),
        kept=len(before & target),
    )
    if result.created:
        response = await clients.send(admin, clients.create_acls_request(result.created))
        for code, message in response.creation_responses:
            _raise_on_error(code, message, "CreateAcls")
    for binding in result.deleted:
        response = await clients.send(admin, clients.delete_acls_request(binding))
        for code, message, *_ in response.filter_responses:
            _raise_on_error(code, message, "DeleteAcls")
    deadline = asyncio.get_running_loop().time() + timeout
    await _wait_applied(admin, target, owned, deadline)
    return result


async def _wait_applied(
    admin: Any, target: set[clients.AclTuple], owned: set[str], deadline: float
) -> None:
    # The controller commits ACL changes to the metadata log; a broker's authorizer (which also
    # answers DescribeAcls) applies them a moment later.
    loop = asyncio.get_running_loop()
    while True:
        now = {b for b in await current_acls(admin) if _owned(b, owned)}
        if now == target:
            return
        if loop.time() > deadline:
            missing, extra = len(target - now), len(now - target)
            raise AclError(f"ACLs not applied in time: {missing} missing, {extra} extra")
        await asyncio.sleep(0.1)


def scram_upsertion(
    name: str, password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS
) -> clients.ScramUpsertion:
    """A SCRAM-SHA-512 credential as the broker stores it: salt and salted password, never clear."""
    salt = salt or secrets.token_bytes(32)
    # RFC 5802 Hi() is PBKDF2 with HMAC of the mechanism's hash; Kafka salts the UTF-8 password.
    salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return (name, SCRAM_SHA_512, iterations, salt, salted)


async def upsert_scram_users(
    admin: Any,
    users: Mapping[str, str],
    *,
    bootstrap: str | None = None,
    protocol: str = "SASL_PLAINTEXT",
    timeout: float = 30.0,  # noqa: ASYNC109 - one deadline over several attempts
) -> list[str]:
    """Create or replace the SCRAM-SHA-512 credential of each user; returns their names.

    With ``bootstrap``, one of them then logs in (retried until ``timeout``): brokers apply
    credentials from the metadata log a moment after the controller accepted them.
    """
    if not users:
        return []
    request = clients.alter_scram_request([scram_upsertion(n, p) for n, p in users.items()])
    response = await clients.send(admin, request)
    for user, code, message, _tags in response.results:
        _raise_on_error(code, message, f"AlterUserScramCredentials of {user}")
    if bootstrap is not None:
        name, password = next(iter(sorted(users.items())))
        login = KafkaSecurity(protocol=protocol, username=name, password=SecretStr(password))
        await _wait_login(bootstrap, login, timeout)
    return sorted(users)


async def _login(bootstrap: str, login: KafkaSecurity) -> None:
    client = clients.admin(bootstrap, request_timeout_ms=5000, **login.client_options())
    try:
        await client.start()
    finally:
        await client.close()


async def _wait_login(bootstrap: str, login: KafkaSecurity, timeout: float) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            await _login(bootstrap, login)
            return
        except Exception as exc:
            if loop.time() > deadline:
                raise AclError(
                    f"{login.username} still cannot log in after {timeout}s: {exc!r}"
                ) from None
        await asyncio.sleep(0.2)


async def provision_access(
    admin: Any,
    *,
    bootstrap: str,
    users: Mapping[str, str],
    topic_prefix: str = "",
    protocol: str = "SASL_PLAINTEXT",
) -> str:
    """Give every principal its password and the derived ACLs; returns what was done."""
    named = await upsert_scram_users(admin, users, bootstrap=bootstrap, protocol=protocol)
    synced = await sync_acls(admin, platform_acls(topic_prefix=topic_prefix))
    return (
        f"{len(named)} SCRAM users set ({', '.join(named) or '-'}); ACLs ready: "
        f"{synced.kept + len(synced.created)} bindings, {len(synced.created)} created, "
        f"{len(synced.deleted)} removed"
    )
