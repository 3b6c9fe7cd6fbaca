"""``python -m devstack test``: one throwaway Kafka and PostgreSQL, then pytest in every member.

Each workspace member runs in its own pytest process with cwd = that member (their ``tests``
packages would collide in one process); the final line sums them all.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from devstack.console import say
from devstack.kafka import KafkaNode, KafkaStartError
from devstack.paths import REPO_ROOT
from devstack.ports import free_port
from devstack.postgres import PostgresCluster

TEST_BROKER_HEAP = "-Xms512m -Xmx1536m"
BROKER_ATTEMPTS = 3
NO_TESTS_COLLECTED = 5


@dataclass
class Tally:
    """Test counts of one or more pytest runs."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.passed + other.passed, self.failed + other.failed, self.skipped + other.skipped
        )

    def line(self) -> str:
        """The summary line ``make test`` ends with."""
        return f"devstack: {self.passed} passed, {self.failed} failed, {self.skipped} skipped"


def parse_junit(path: Path) -> Tally:
    """Count a ``--junitxml`` report; errors count as failures, xfails as skipped."""
    root = ET.parse(path).getroot()  # noqa: S314 - a report pytest just wrote
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tally = Tally()
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        tally += Tally(tests - failed - skipped, failed, skipped)
    return tally


def members() -> list[tuple[str, Path]]:
    """Each (name, dir) with tests, in order: shared, devstack, demo, services, root ``tests/``."""
    dirs = [REPO_ROOT / "shared", REPO_ROOT / "deploy" / "devstack", REPO_ROOT / "deploy" / "demo"]
    dirs += sorted(p for p in (REPO_ROOT / "services").glob("*") if p.is_dir())
    found = [(d.relative_to(REPO_ROOT).as_posix(), d) for d in dirs if (d / "tests").is_dir()]
    if (REPO_ROOT / "tests").is_dir():
        found.append(("tests", REPO_ROOT))
    return found


def run_member(name: str, cwd: Path, args: list[str], env: dict[str, str], scratch: Path) -> Tally:
    """Run pytest for one member and count its results."""
    report = scratch / f"junit-{name.replace('/', '_')}.xml"
    say(f"\ndevstack: ===== {name} =====")
    argv = [sys.executable, "-m", "pytest", "tests", f"--junitxml={report}", *args]
    code = subprocess.run(argv, cwd=cwd, env=env, check=False).returncode  # noqa: S603
    tally = parse_junit(report) if report.is_file() else Tally()
    if code not in (0, NO_TESTS_COLLECTED) and tally.failed == 0:
        # pytest failed without a failing test (usage error, crash): the run must still fail.
        tally.failed += 1
        say(f"devstack: pytest in {name} exited with {code}", error=True)
    say(f"devstack: {name}: {tally.line().removeprefix('devstack: ')}")
    return tally


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    del frame
    raise SystemExit(128 + signum)


async def _ready(node: KafkaNode) -> None:
    await node.wait_ready(timeout=90)


def _start_broker(scratch: Path, attempts: int = BROKER_ATTEMPTS) -> KafkaNode:
    """The run's broker; a port another process took between picking and binding is retried."""
    for attempt in range(1, attempts + 1):
        data = scratch / f"kafka-{attempt}"
        # A whole run creates hundreds of (prefixed) topics: give the one broker room for them.
        node = KafkaNode.on_free_ports(data, heap=TEST_BROKER_HEAP)
        node.start()
        try:
            asyncio.run(_ready(node))
            return node
        except KafkaStartError as exc:
            node.stop()
            if attempt == attempts:
                raise
            say(f"devstack: broker did not start ({str(exc).splitlines()[0]}); new ports")
    raise AssertionError("unreachable")


def _start_backends(scratch: Path) -> tuple[KafkaNode, PostgresCluster, dict[str, str]]:
    pg = PostgresCluster(scratch / "pg", free_port(), scratch / "postgres.log")
    started = time.monotonic()
    pg.init()
    pg.start()
    database = f"test_{secrets.token_hex(4)}"
    asyncio.run(pg.create_database(database))
    node = _start_broker(scratch)
    took = time.monotonic() - started
    say(f"devstack: Kafka {node.bootstrap} and PostgreSQL :{pg.port} up in {took:.1f}s")
    env = {
        **os.environ,
        "TEST_KAFKA_BOOTSTRAP": node.bootstrap,
        "TEST_DATABASE_URL": pg.admin_dsn(database),
        "TEST_PG_BIN": str(pg.bin_dir),
        "TEST_PG_DATA": str(pg.data_dir),
        "TEST_PG_PORT": str(pg.port),
    }
    return node, pg, env


def run_tests(args: list[str]) -> int:
    """Start the backends, run every member's tests, stop the backends; returns the exit code."""
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    scratch = Path(tempfile.mkdtemp(prefix="devstack-test-"))
    scratch.chmod(0o755)  # the postgres user must reach its data dir inside
    node: KafkaNode | None = None
    pg: PostgresCluster | None = None
    total = Tally()
    try:
        node, pg, env = _start_backends(scratch)
        recap = [(name, run_member(name, cwd, args, env, scratch)) for name, cwd in members()]
        say("\ndevstack: ----- per member -----")
        for name, tally in recap:
            say(f"  {name:<24} {tally.line().removeprefix('devstack: ')}")
            total += tally
    finally:
        if node is not None:
            node.stop()
        if pg is not None:
            pg.stop()
        if total.failed:
            say(f"devstack: logs kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    say(total.line())
    return 1 if total.failed else 0
