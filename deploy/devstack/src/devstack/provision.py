"""``python -m devstack provision``: the one-shot ``init`` job of docker-compose.

1. Waits (up to ``PROVISION_BROKER_WAIT`` seconds, default 120) until the broker at
   ``KAFKA_BOOTSTRAP_SERVERS`` answers, then creates every missing topic of
   ``shared.events.topics.all_topics()`` with ``KAFKA_TOPIC_PARTITIONS`` partitions (default 3)
   and ``KAFKA_REPLICATION_FACTOR`` replicas (default 1); ``min.insync.replicas`` is 2 when the
   replication factor is 3 or more. ``KAFKA_TOPIC_PREFIX`` (default empty) is prepended to every
   name, as the services prepend it.
   With ``KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT`` (or ``SASL_SSL``) it logs in as
   ``KAFKA_SASL_USERNAME`` / ``KAFKA_SASL_PASSWORD`` (``KAFKA_SASL_MECHANISM``, default
   SCRAM-SHA-512), which must be the broker's super user, sets the SCRAM-SHA-512 password of
   each principal whose ``<PRINCIPAL>_KAFKA_PASSWORD`` is given (``INSPECTION`` … ``VIEWS``,
   ``INTEGRATOR``), and makes the broker's ACLs of every service and of the integrator equal to
   those ``devstack.acls`` derives.
2. Migrates each service whose ``<SERVICE>_DATABASE_URL`` is set: ``python -m <service> migrate``
   with ``DATABASE_URL`` and ``DB_SCHEMA=<service>`` in its environment (and no Kafka login).

It prints what it did and exits non-zero if anything failed. This module must work inside the
service image, where the repository is absent: it imports nothing that looks for it
(``devstack.paths`` and the modules built on it).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from devstack import clients
from devstack.console import say
from devstack.topics import ProvisioningError, admin_client, provision_topics
from shared.kafka_security import DEFAULT_MECHANISM, KafkaSecurity

# The services, in the order they are migrated (mirrors devstack.stack.SERVICES).
SERVICES: tuple[str, ...] = ("inspection", "eldercare", "charity", "notify", "views")
# The principals whose SCRAM password provisioning sets from <PRINCIPAL>_KAFKA_PASSWORD.
KAFKA_PRINCIPALS: tuple[str, ...] = (*SERVICES, "integrator")
BROKER_WAIT = 120.0
MIGRATE_TIMEOUT = 600.0
# The provisioner's own Kafka login: never handed down to the migrations it runs.
KAFKA_LOGIN = (
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
)


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ProvisioningError(f"{name} must be an integer, not {raw!r}") from None


@dataclass(frozen=True)
class ProvisionConfig:
    """What ``provision`` does, read from the environment."""

    bootstrap: str
    partitions: int = 3
    replication: int = 1
    topic_prefix: str = ""
    databases: dict[str, str] = dataclasses.field(default_factory=dict)
    broker_wait: float = BROKER_WAIT
    security: KafkaSecurity = dataclasses.field(default_factory=KafkaSecurity)
    kafka_passwords: dict[str, str] = dataclasses.field(default_factory=dict, repr=False)

    @property
    def min_insync(self) -> int | None:
        """``min.insync.replicas`` of every topic: 2 once there are 3 replicas, else the default."""
        return 2 if self.replication >= 3 else None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ProvisionConfig:
        """Read ``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_TOPIC_*``, ``<SERVICE>_DATABASE_URL``, ..."""
        bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
        if not bootstrap:
            raise ProvisioningError("KAFKA_BOOTSTRAP_SERVERS is not set")
        databases = {
            service: env[f"{service.upper()}_DATABASE_URL"]
            for service in SERVICES
            if env.get(f"{service.upper()}_DATABASE_URL", "").strip()
        }
        return cls(
            bootstrap=bootstrap,
            partitions=_int(env, "KAFKA_TOPIC_PARTITIONS", 3),
            replication=_int(env, "KAFKA_REPLICATION_FACTOR", 1),
            topic_prefix=env.get("KAFKA_TOPIC_PREFIX", ""),
            databases=databases,
            broker_wait=float(_int(env, "PROVISION_BROKER_WAIT", int(BROKER_WAIT))),
            security=_security(env),
            kafka_passwords={
                name: env[f"{name.upper()}_KAFKA_PASSWORD"]
                for name in KAFKA_PRINCIPALS
                if env.get(f"{name.upper()}_KAFKA_PASSWORD", "")
            },
        )


def _security(env: Mapping[str, str]) -> KafkaSecurity:
    try:
        return KafkaSecurity(
            protocol=env.get("KAFKA_SECURITY_PROTOCOL", "").strip() or "PLAINTEXT",
            mechanism=env.get("KAFKA_SASL_MECHANISM", "").strip() or DEFAULT_MECHANISM,
            username=env.get("KAFKA_SASL_USERNAME", "").strip(),
            password=SecretStr(env.get("KAFKA_SASL_PASSWORD", "")),
        )
    except ValueError as exc:
        raise ProvisioningError(f"Kafka login settings: {exc}") from None


async def _broker_answers(bootstrap: str, security: KafkaSecurity) -> None:
    admin = clients.admin(bootstrap, request_timeout_ms=10000, **security.client_options())
    try:
        await admin.start()
        await admin.list_topics()
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


async def wait_for_broker(
    bootstrap: str,
    timeout: float,  # noqa: ASYNC109
    security: KafkaSecurity | None = None,
) -> float:
    """Wait until the broker lists its topics; returns the seconds it took."""
    started = time.monotonic()
    last: BaseException | None = None
    while True:
        try:
            await _broker_answers(bootstrap, security or KafkaSecurity())
        except Exception as exc:  # any failure means "not yet"
            last = exc
        else:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise ProvisioningError(
                f"Kafka at {bootstrap} did not answer within {timeout:.0f}s: {last!r}"
            )
        await asyncio.sleep(1.0)


async def provision_all_topics(cfg: ProvisionConfig) -> tuple[list[str], list[str]]:
    """Wait for the broker, create what is missing; returns (every topic name, those created)."""
    from shared.events.topics import all_topics

    took = await wait_for_broker(cfg.bootstrap, cfg.broker_wait, cfg.security)
    say(
        f"devstack: Kafka at {cfg.bootstrap} answered after {took:.1f}s ({cfg.security.describe()})"
    )
    specs = [dataclasses.replace(s, name=cfg.topic_prefix + s.name) for s in all_topics()]
    try:
        created = await provision_topics(
            cfg.bootstrap,
            specs,
            partitions=cfg.partitions,
            replication=cfg.replication,
            min_insync=cfg.min_insync,
            client_options=cfg.security.client_options(),
        )
    except ProvisioningError:
        raise
    except Exception as exc:
        raise ProvisioningError(f"provisioning topics on {cfg.bootstrap} failed: {exc!r}") from exc
    return [s.name for s in specs], created


async def provision_acls(cfg: ProvisionConfig) -> str:
    """Set the principals' passwords and the derived ACLs (SASL only); returns what it did."""
    from devstack.acls import provision_access

    if not cfg.security.sasl:
        return "ACLs: not managed (PLAINTEXT: the broker has no principals)"
    unset = [
        f"{n.upper()}_KAFKA_PASSWORD" for n in KAFKA_PRINCIPALS if n not in cfg.kafka_passwords
    ]
    try:
        async with admin_client(cfg.bootstrap, cfg.security.client_options()) as admin:
            done = await provision_access(
                admin,
                bootstrap=cfg.bootstrap,
                users=cfg.kafka_passwords,
                topic_prefix=cfg.topic_prefix,
                protocol=cfg.security.protocol,
            )
    except Exception as exc:
        raise ProvisioningError(f"provisioning ACLs on {cfg.bootstrap} failed: {exc!r}") from exc
    if unset:
        done += f"; not set, left as they are: {', '.join(unset)}"
    return done


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def migrate(service: str, database_url: str, timeout: float = MIGRATE_TIMEOUT) -> list[str]:
    """Run ``python -m <service> migrate`` on ``database_url``; returns the migrations applied."""
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in KAFKA_LOGIN and not k.endswith("_KAFKA_PASSWORD")
        },
        "SERVICE_NAME": service,
        "DATABASE_URL": database_url,
        "DB_SCHEMA": service,
    }
    try:
        result = subprocess.run(  # noqa: S603 - argv built here, no shell
            [sys.executable, "-m", service, "migrate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProvisioningError(f"{service} migrate took more than {timeout:.0f}s") from None
    if result.returncode != 0:
        raise ProvisioningError(
            f"{service} migrate exited with {result.returncode}:\n"
            f"{_tail(result.stdout + result.stderr)}"
        )
    # The last stdout line is {"applied": [...]}; anything before it is the service's logging.
    for line in reversed(result.stdout.strip().splitlines()):
        with contextlib.suppress(ValueError):
            answer = json.loads(line)
            if isinstance(answer, dict) and isinstance(answer.get("applied"), list):
                return [str(name) for name in answer["applied"]]
    return []


def provision(cfg: ProvisionConfig) -> int:
    """Topics, then migrations; prints what it did; returns the exit code."""
    say(
        f"devstack: provisioning topics on {cfg.bootstrap} (partitions {cfg.partitions}, "
        f"replication {cfg.replication}, min.insync.replicas {cfg.min_insync or 'default'}, "
        f"prefix {cfg.topic_prefix!r})"
    )
    names, created = asyncio.run(provision_all_topics(cfg))
    say(f"devstack: {len(names)} topics ready, {len(created)} created: {', '.join(created) or '-'}")
    say(f"devstack: {asyncio.run(provision_acls(cfg))}")
    failed: list[str] = []
    for service in SERVICES:
        url = cfg.databases.get(service)
        if url is None:
            say(f"devstack: {service}: {service.upper()}_DATABASE_URL not set, not migrated")
            continue
        started = time.monotonic()
        try:
            applied = migrate(service, url)
        except ProvisioningError as exc:
            say(f"devstack: {service}: migration FAILED: {exc}", error=True)
            failed.append(service)
            continue
        took = time.monotonic() - started
        say(
            f"devstack: {service}: migrated schema {service} in {took:.1f}s, "
            f"{len(applied)} applied: {', '.join(applied) or 'none (up to date)'}"
        )
    if failed:
        say(f"devstack: provision failed for: {', '.join(failed)}", error=True)
        return 1
    say("devstack: provision done")
    return 0


def main(env: Mapping[str, str] | None = None) -> int:
    """``python -m devstack provision``."""
    return provision(ProvisionConfig.from_env(os.environ if env is None else env))
