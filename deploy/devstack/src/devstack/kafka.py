"""A real Apache Kafka 4.x (KRaft) broker run from its Maven Central jars with the machine's Java.

The recipe is ``/work/shared/docs/KAFKA-LOCAL.md`` (verified, and corrected where it was wrong, in
``deploy/kafka/README.md``): combined broker+controller nodes with a static voter set, bound
to 127.0.0.1 only. A node given a :class:`BrokerSecurity` runs the production-like secure mode:
SASL/SCRAM-SHA-512 on the client (and inter-broker) listener, SASL/PLAIN on the controller
listener, the KRaft ACL authorizer with ``allow.everyone.if.no.acl.found=false``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack import clients, processes
from devstack.paths import KAFKA_DIR
from devstack.ports import LOOPBACK, free_port, port_open

POM = KAFKA_DIR / "pom.xml"
JARS_DIR = KAFKA_DIR / "jars"
TOOLS_JARS_DIR = KAFKA_DIR / "tools-jars"
BROKER_LOG4J = KAFKA_DIR / "log4j2.properties"
TOOLS_LOG4J = KAFKA_DIR / "tools-log4j2.properties"

DEFAULT_HEAP = "-Xms256m -Xmx512m"
CLUSTER_HEAP = "-Xms192m -Xmx384m"

# Upstream kafka-run-class.sh performance flags, minus -server (a no-op on 64-bit JVMs).
JVM_OPTS = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:MaxInlineLevel=15",
    "-Djava.awt.headless=true",
)

WARMUP_GROUP = "devstack-warmup"

# Secure mode: the broker's own principal, also the platform's admin/provisioner (super user).
ADMIN_PRINCIPAL = "admin"
SCRAM_MECHANISM = "SCRAM-SHA-512"
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
# Which principals a secure data dir was formatted with (SCRAM credentials exist only from then).
SECURITY_MARKER = "scram-users"
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"
_PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"
_SAFE_SECRET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def _read_kafka_version() -> str:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(POM).getroot()  # noqa: S314 - our own pom, not untrusted input
    node = root.find("m:properties/m:kafka.version", ns)
    if node is None or not (node.text or "").strip():
        raise RuntimeError(f"{POM} has no <kafka.version> property")
    return (node.text or "").strip()


KAFKA_VERSION = _read_kafka_version()


class KafkaStartError(RuntimeError):
    """A broker did not start or did not become ready; the message carries its log tail."""


def kafka_uuid() -> str:
    """A Kafka ``Uuid`` string (cluster or dir id), as ``StorageTool random-uuid`` prints one."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        # Kafka rejects ids starting with "-": they would parse as command-line options.
        if not text.startswith("-"):
            return text


def java_binary() -> str:
    """The ``java`` executable: ``$JAVA_HOME/bin/java`` when set, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise RuntimeError(
            "java not found: install Java 17+ (apt-get install openjdk-17-jre-headless)"
        )
    return found


def _stamp_text() -> str:
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    return f"kafka {KAFKA_VERSION}\npom-sha256 {digest}\n"


@contextlib.contextmanager
def _fetch_lock() -> Iterator[None]:
    # Several pytest processes may ask for the jars at once; one fetches, the others wait.
    with (KAFKA_DIR / ".fetch.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fetch(target: Path, profile: str | None) -> Path:
    stamp = target / ".devstack-stamp"
    if stamp.is_file() and stamp.read_text() == _stamp_text():
        return target
    with _fetch_lock():
        if stamp.is_file() and stamp.read_text() == _stamp_text():
            return target
        mvn = shutil.which("mvn")
        if not mvn:
            raise RuntimeError("mvn not found: install Maven (apt-get install maven)")
        # Fetch into a scratch dir and swap it in, so a failed or interrupted fetch never leaves
        # a half-filled or mixed-version directory on the broker's wildcard classpath.
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=KAFKA_DIR))
        argv = [mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(POM), f"-Djars.dir={scratch}"]
        argv += ["-P", profile] if profile else []
        argv.append("dependency:copy-dependencies")
        result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0 or not (scratch / f"kafka_2.13-{KAFKA_VERSION}.jar").is_file():
            shutil.rmtree(scratch, ignore_errors=True)
            raise RuntimeError(
                f"fetching Kafka {KAFKA_VERSION} jars failed:\n{result.stdout}{result.stderr}"
            )
        (scratch / ".devstack-stamp").write_text(_stamp_text())
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
    return target


def ensure_jars() -> Path:
    """Fetch the broker jars into ``deploy/kafka/jars`` unless present for this pom; returns it."""
    return _fetch(JARS_DIR, None)


def ensure_tool_jars() -> Path:
    """Fetch broker + kafka-tools jars into ``deploy/kafka/tools-jars`` if needed; returns it."""
    return _fetch(TOOLS_JARS_DIR, "tools")


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


@dataclass(frozen=True)
class BrokerSecurity:
    """The secure mode of a node: SCRAM users (bootstrapped at format time), admin, ACLs on.

    ``users`` maps each principal's name to its password and must contain ``admin``, the broker's
    own principal (inter-broker and controller connections) and the only super user; the format
    creates the admin, provisioning (``devstack.acls.upsert_scram_users``) the others. Every
    other principal gets exactly what ACLs grant it. Names and passwords are restricted to URL-safe
    characters: they are written into JAAS strings and ``--add-scram`` arguments.
    """

    users: Mapping[str, str] = field(repr=False)
    admin: str = ADMIN_PRINCIPAL

    def __post_init__(self) -> None:
        if self.admin not in self.users:
            raise ValueError(f"BrokerSecurity.users lacks the admin principal {self.admin!r}")
        for name, password in self.users.items():
            if not name or not password or not set(name + password) <= _SAFE_SECRET:
                raise ValueError(f"principal {name!r}: name and password must be URL-safe text")

    def client_options(self, user: str | None = None) -> dict[str, Any]:
        """The aiokafka options to log in as ``user`` (default: admin); they hold the password."""
        name = user or self.admin
        return {
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": SCRAM_MECHANISM,
            "sasl_plain_username": name,
            "sasl_plain_password": self.users[name],
        }

    def properties(self) -> dict[str, str]:
        """The broker properties of secure mode (listener names as ``KafkaNode`` uses them)."""
        admin, password = self.admin, self.users[self.admin]
        return {
            "listener.security.protocol.map": (
                "CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"
            ),
            "inter.broker.listener.name": "SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": SCRAM_MECHANISM,
            "sasl.mechanism.inter.broker.protocol": SCRAM_MECHANISM,
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": (
                f'{_SCRAM_LOGIN} required username="{admin}" password="{password}";'
            ),
            # SCRAM credentials live in the metadata log, which the controllers serve: they
            # cannot authenticate each other with it. PLAIN, with the one admin user defined here.
            "sasl.mechanism.controller.protocol": "PLAIN",
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config": (
                f'{_PLAIN_LOGIN} required username="{admin}" password="{password}" '
                f'user_{admin}="{password}";'
            ),
            "authorizer.class.name": AUTHORIZER,
            "allow.everyone.if.no.acl.found": "false",
            "super.users": f"User:{admin}",
        }

    def format_args(self) -> list[str]:
        """``StorageTool format`` arguments creating the admin's SCRAM credential.

        Only the admin's: the broker (inter-broker logins) and provisioning need it before
        anything else runs; provisioning then creates or updates every other user.
        """
        password = self.users[self.admin]
        return ["--add-scram", f"{SCRAM_MECHANISM}=[name={self.admin},password={password}]"]

    def others(self) -> dict[str, str]:
        """Every user but the admin, ``{name: password}`` (what provisioning upserts)."""
        return {name: pw for name, pw in self.users.items() if name != self.admin}

    def marker(self) -> str:
        """What the data dir records about the SCRAM users its format created (names only)."""
        return f"{SCRAM_MECHANISM} {self.admin}\n"


@dataclass
class KafkaNode:
    """One combined broker+controller process on loopback.

    ``data_dir`` holds ``server.properties``, the log dirs (``data/``), the pid file and, unless
    ``log_file`` says otherwise, ``broker.log``. ``voters`` is the static quorum
    (``"1@127.0.0.1:9093,..."``); empty means this node alone. ``config`` overrides or adds
    broker properties. ``security`` switches the node to SASL/SCRAM with ACLs (see
    :class:`BrokerSecurity`); its users are created when the data dir is formatted. A node is
    found again from its data dir by a later process (pid file, checked against the process's
    command line), so ``stop()`` works across ``devstack`` runs.
    """

    node_id: int
    broker_port: int
    controller_port: int
    data_dir: Path
    log_file: Path | None = None
    voters: str = ""
    heap: str = DEFAULT_HEAP
    cluster_id: str = ""
    config: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] | None = None
    security: BrokerSecurity | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self.log_file = Path(self.log_file) if self.log_file else self.data_dir / "broker.log"
        self.voters = self.voters or f"{self.node_id}@{LOOPBACK}:{self.controller_port}"

    @classmethod
    def on_free_ports(
        cls, data_dir: Path, *, heap: str = DEFAULT_HEAP, security: BrokerSecurity | None = None
    ) -> KafkaNode:
        """A single node with freshly picked broker and controller ports."""
        return cls(
            node_id=1,
            broker_port=free_port(),
            controller_port=free_port(),
            data_dir=data_dir,
            heap=heap,
            security=security,
        )

    @property
    def bootstrap(self) -> str:
        """The client bootstrap address, ``"127.0.0.1:PORT"``."""
        return f"{LOOPBACK}:{self.broker_port}"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "server.properties"

    @property
    def listener(self) -> str:
        """The name (= security protocol) of the client listener."""
        return "SASL_PLAINTEXT" if self.security else "PLAINTEXT"

    def client_options(self, user: str | None = None) -> dict[str, Any]:
        """The aiokafka options for this node: none in PLAINTEXT, else ``user``'s login."""
        return self.security.client_options(user) if self.security else {}

    def formatted_scram_users(self) -> set[str] | None:
        """The SCRAM users the data dir was formatted with; None if it is not formatted yet."""
        if not (self.data_dir / "data" / "meta.properties").is_file():
            return None
        try:
            text = (self.data_dir / SECURITY_MARKER).read_text().split()
        except OSError:
            return set()
        return set(text[1].split(",")) if len(text) == 2 else set()

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"

    @property
    def log_path(self) -> Path:
        """The broker's stdout/stderr log."""
        return self.log_file or self.data_dir / "broker.log"

    @property
    def pid(self) -> int | None:
        """The broker's pid while it runs (our child, or found by its pid file), else None."""
        if self._proc is not None and self._proc.poll() is None:
            return self._proc.pid
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if processes.pid_alive(pid) and str(self.config_file) in processes.cmdline(pid):
            return pid
        return None

    def properties(self) -> dict[str, str]:
        """The broker configuration this node runs with."""
        client = self.listener
        listeners = f"{client}://{LOOPBACK}:{self.broker_port},CONTROLLER://{LOOPBACK}:{self.controller_port}"
        values = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "controller.quorum.voters": self.voters,
            "listeners": listeners,
            "advertised.listeners": f"{client}://{LOOPBACK}:{self.broker_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir / "data"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # Topics come from provisioning only (DECISIONS §4): a typo must fail, not create one.
            "auto.create.topics.enable": "false",
            "num.network.threads": "2",
            "num.io.threads": "2",
        }
        if self.security:
            values |= self.security.properties()
        return values | self.config

    def _cluster_id(self) -> str:
        if self.cluster_id:
            return self.cluster_id
        id_file = self.data_dir / "cluster.id"
        if id_file.is_file():
            return id_file.read_text().strip()
        cluster_id = kafka_uuid()
        id_file.write_text(cluster_id + "\n")
        return cluster_id

    def _check_formatted_users(self, users: set[str]) -> None:
        if self.security is None:
            return
        if not users:
            raise KafkaStartError(
                f"{self.data_dir} was formatted without SCRAM users, so a secure broker on it "
                "could not log anyone in; start it without security, or use a fresh data dir "
                "(for the local stack: down, remove the state dir's kafka/, up again)"
            )
        if self.security.admin not in users:
            raise KafkaStartError(
                f"{self.data_dir} was formatted with the SCRAM users {sorted(users)}, without "
                f"the admin {self.security.admin!r}: use a fresh data dir"
            )

    def _format(self, jars: Path) -> None:
        users = self.formatted_scram_users()
        if users is not None:
            self._check_formatted_users(users)
            return  # formatted before; skipping saves a JVM start
        # Static voters: format WITHOUT --standalone/--initial-controllers (an error from 4.1.1 on).
        argv = [java_binary(), "-Xmx256m", f"-Dlog4j2.configurationFile={TOOLS_LOG4J}"]
        argv += ["-cp", f"{jars}/*", "kafka.tools.StorageTool", "format"]
        argv += ["-t", self._cluster_id(), "-c", str(self.config_file), "--ignore-formatted"]
        # KRaft has no SCRAM user until one is written to the metadata log: the admin's must be
        # there before the first start, so the format writes it (the others come by provisioning).
        argv += self.security.format_args() if self.security else []
        result = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            # stdout lists the bootstrap records (salted SCRAM keys): only stderr is reported.
            raise KafkaStartError(f"formatting {self.data_dir} failed:\n{result.stderr}")
        if self.security:
            (self.data_dir / SECURITY_MARKER).write_text(self.security.marker())

    def start(self) -> None:
        """Format the data dir if new and launch the broker detached; a running node stays."""
        if self.pid is not None:
            return
        for port in (self.broker_port, self.controller_port):
            if port_open(port):
                raise KafkaStartError(f"port {port} is already in use; pick other ports")
        jars = ensure_jars()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # 600: in secure mode the file holds the admin's password (JAAS settings).
        fd = os.open(self.config_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(_properties(self.properties()))
        self._format(jars)
        argv = [java_binary(), *self.heap.split(), *JVM_OPTS]
        argv += [
            f"-Dlog4j2.configurationFile={BROKER_LOG4J}",
            f"-Dkafka.logs.dir={self.data_dir / 'logs'}",
        ]
        # The wildcard stays one argv element: Java expands it, no shell ever sees it.
        argv += ["-cp", f"{jars}/*", "kafka.Kafka", str(self.config_file)]
        env = {**os.environ, **(self.env or {})}
        self._proc = processes.spawn_detached(
            argv, log_file=self.log_path, env=env, cwd=self.data_dir
        )
        self.pid_file.write_text(f"{self._proc.pid}\n")

    def _forget(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            self._proc = None
        self.pid_file.unlink(missing_ok=True)

    def stop(self, timeout: float = 30.0) -> None:
        """Clean shutdown (SIGTERM), SIGKILL if it has not exited within ``timeout`` seconds."""
        processes.terminate(self.pid, timeout)
        self._forget()

    def kill(self) -> None:
        """Crash the broker (SIGKILL): no controlled shutdown, no leadership hand-over."""
        processes.kill(self.pid)
        self._forget()

    def restart(self) -> None:
        """Stop (if running) and start with the same config and data; then await ``wait_ready``."""
        self.stop()
        self.start()

    def tail(self, lines: int = 40) -> str:
        """The last lines of the broker log."""
        return processes.tail(self.log_path, lines)

    # A deadline shared by several retried steps, which asyncio.timeout() cannot express.
    async def wait_ready(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109
        """Wait for the broker port, a metadata answer, and a consumer-group join to succeed."""
        await wait_nodes_ready([self], timeout)


async def _wait_port(node: KafkaNode, deadline: float) -> None:
    # The broker opens its PLAINTEXT port only once it is unfenced and serving (KAFKA-14658).
    loop = asyncio.get_running_loop()
    while not port_open(node.broker_port):
        if node.pid is None:
            raise KafkaStartError(f"broker {node.node_id} exited during startup:\n{node.tail()}")
        if loop.time() > deadline:
            raise KafkaStartError(
                f"broker {node.node_id} did not open {node.bootstrap}:\n{node.tail()}"
            )
        await asyncio.sleep(0.1)


async def _broker_ids(bootstrap: str, options: dict[str, Any]) -> set[int]:
    admin = clients.admin(bootstrap, request_timeout_ms=5000, **options)
    try:
        await admin.start()
        info = await admin.describe_cluster()
        return {int(broker["node_id"]) for broker in info["brokers"]}
    finally:
        await admin.close()


async def _wait_metadata(
    bootstrap: str, expected: set[int], deadline: float, options: dict[str, Any]
) -> None:
    loop = asyncio.get_running_loop()
    seen: set[int] | str = set()
    while loop.time() < deadline:
        try:
            seen = await asyncio.wait_for(_broker_ids(bootstrap, options), timeout=10)
        except Exception as exc:
            seen = repr(exc)
        if isinstance(seen, set) and expected <= seen:
            return
        await asyncio.sleep(0.2)
    raise KafkaStartError(
        f"metadata from {bootstrap} never listed brokers {sorted(expected)}: {seen}"
    )


async def _coordinator_found(bootstrap: str, options: dict[str, Any]) -> bool:
    # FindCoordinator makes the broker create __consumer_offsets (auto-create of user topics is
    # off, internal topics are exempt); it answers COORDINATOR_NOT_AVAILABLE until that is done.
    admin = clients.admin(bootstrap, request_timeout_ms=5000, **options)
    try:
        await admin.start()
        await admin.find_coordinator(WARMUP_GROUP)
        return True
    finally:
        await admin.close()


async def _joined(bootstrap: str, options: dict[str, Any]) -> bool:
    # A real JoinGroup/SyncGroup round trip, on a topic that exists in every cluster, so that a
    # test's first group join finds a coordinator that is loaded and answering.
    consumer = clients.consumer(
        "__consumer_offsets",
        bootstrap=bootstrap,
        group_id=WARMUP_GROUP,
        enable_auto_commit=False,
        request_timeout_ms=10000,
        **options,
    )
    try:
        await consumer.start()
        for _ in range(40):
            await consumer.getmany(timeout_ms=250)
            if consumer.assignment():
                return True
        return False
    finally:
        await consumer.stop()


async def _warm_up_group(bootstrap: str, deadline: float, options: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    last: object = None
    for step in (_coordinator_found, _joined):
        while True:
            try:
                remaining = max(1.0, deadline - loop.time())
                if await asyncio.wait_for(step(bootstrap, options), timeout=remaining):
                    break
            except Exception as exc:
                last = exc
            if loop.time() > deadline:
                raise KafkaStartError(
                    f"warm-up group {step.__name__} failed on {bootstrap}: {last!r}"
                )
            await asyncio.sleep(0.2)


async def wait_nodes_ready(nodes: list[KafkaNode], timeout: float = 90.0) -> None:  # noqa: ASYNC109
    """Wait until every node serves and each one's metadata lists them all; warm up a group.

    A secure node is asked as its admin (the super user).
    """
    deadline = asyncio.get_running_loop().time() + timeout
    options = nodes[0].client_options()
    for node in nodes:
        await _wait_port(node, deadline)
    expected = {node.node_id for node in nodes}
    for node in nodes:
        await _wait_metadata(node.bootstrap, expected, deadline, options)
    await _warm_up_group(",".join(node.bootstrap for node in nodes), deadline, options)


class KafkaCluster:
    """Three (or ``size``) combined nodes with a static quorum on loopback, for fault tests.

    Replication 3 and min ISR 2 everywhere, and failure detection shortened from the defaults
    (heartbeat 2 s / session 9 s) so that a SIGKILLed broker is fenced within ~4 s.
    """

    def __init__(
        self,
        base_dir: Path,
        *,
        size: int = 3,
        heap: str = CLUSTER_HEAP,
        security: BrokerSecurity | None = None,
    ) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.base_dir.mkdir(parents=True, exist_ok=True)
        ports = [(free_port(), free_port()) for _ in range(size)]
        voters = ",".join(f"{i}@{LOOPBACK}:{ctl}" for i, (_, ctl) in enumerate(ports, start=1))
        cluster_id = kafka_uuid()
        replicated = {
            "num.partitions": "3",
            "default.replication.factor": str(min(3, size)),
            "min.insync.replicas": str(min(2, size)),
            "offsets.topic.replication.factor": str(min(3, size)),
            "offsets.topic.num.partitions": "3",
            "transaction.state.log.replication.factor": str(min(3, size)),
            "transaction.state.log.min.isr": str(min(2, size)),
            "share.coordinator.state.topic.replication.factor": str(min(3, size)),
            "share.coordinator.state.topic.min.isr": str(min(2, size)),
            "broker.heartbeat.interval.ms": "1000",
            "broker.session.timeout.ms": "4000",
            "replica.lag.time.max.ms": "10000",
        }
        self.nodes = [
            KafkaNode(
                node_id=i,
                broker_port=broker,
                controller_port=ctl,
                data_dir=self.base_dir / f"node{i}",
                voters=voters,
                heap=heap,
                cluster_id=cluster_id,
                config=dict(replicated),
                security=security,
            )
            for i, (broker, ctl) in enumerate(ports, start=1)
        ]

    @property
    def bootstrap(self) -> str:
        """Every node's address, comma-separated."""
        return ",".join(node.bootstrap for node in self.nodes)

    def node(self, node_id: int) -> KafkaNode:
        """The node with this ``node.id`` (1-based)."""
        return self.nodes[node_id - 1]

    def start(self) -> None:
        """Launch every node at once (a combined node cannot elect a leader alone)."""
        for node in self.nodes:
            node.start()

    async def wait_ready(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109
        """Wait until every node serves and metadata lists all brokers."""
        await wait_nodes_ready(self.nodes, timeout)

    def kill(self, node_id: int) -> None:
        """SIGKILL one node."""
        self.node(node_id).kill()

    def restart(self, node_id: int) -> None:
        """Stop (if running) and start one node with its old data; then await ``wait_ready``."""
        self.node(node_id).restart()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop every node at once (SIGTERM, SIGKILL after ``timeout`` seconds)."""
        # One by one, the last nodes would wait for a controlled shutdown that a controller
        # quorum of one cannot grant; signalled together they skip that.
        processes.terminate_all([n.pid for n in self.nodes if n.pid is not None], timeout)
        for node in self.nodes:
            node.stop()
