"""The access tests' secure broker boots in the background while the matrices run.

``test_secrets.py`` needs a private broker in secure mode; its JVM takes most of a minute to
format and start on a busy 2-core machine. It is started here, when the first access test of a
session that will also run ``test_secrets.py`` begins, and awaited there.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from devstack.kafka import ADMIN_PRINCIPAL, BrokerSecurity, KafkaNode

SERVICES = ("inspection", "eldercare", "charity", "notify", "views")


@dataclass
class EarlyBroker:
    """A secure broker being started on a thread; :meth:`started` waits for the start call."""

    node: KafkaNode
    passwords: dict[str, str]
    thread: threading.Thread | None = None
    failure: list[BaseException] = field(default_factory=list)

    def begin(self) -> None:
        """Format and launch the broker without blocking the tests."""

        def run() -> None:
            try:
                self.node.start()
            except BaseException as exc:  # handed to whoever waits for it
                self.failure.append(exc)

        self.thread = threading.Thread(target=run, name="secure-broker-start", daemon=True)
        self.thread.start()

    def started(self) -> KafkaNode:
        """The node, once its start call returned (then ``await node.wait_ready()``)."""
        if self.thread is None:
            self.begin()
        assert self.thread is not None
        self.thread.join(timeout=180)
        if self.failure:
            raise self.failure[0]
        return self.node


@pytest.fixture(scope="package")
def early_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EarlyBroker]:
    """The secure broker of ``test_secrets.py`` (passwords generated here), stopped at the end."""
    passwords = {p: secrets.token_urlsafe(24) for p in (ADMIN_PRINCIPAL, *SERVICES)}
    data = tmp_path_factory.mktemp("secure-kafka")
    early = EarlyBroker(
        KafkaNode.on_free_ports(data, security=BrokerSecurity(passwords)), passwords
    )
    try:
        yield early
    finally:
        if early.thread is not None:
            early.thread.join(timeout=180)
            early.node.stop()


@pytest.fixture(autouse=True)
def _boot_the_secure_broker_early(request: pytest.FixtureRequest) -> None:
    """On the first access test, start the broker if ``test_secrets.py`` will run later."""
    modules = {
        getattr(getattr(item, "module", None), "__name__", "") for item in request.session.items
    }
    if any(name.endswith(".test_secrets") for name in modules):
        early: EarlyBroker = request.getfixturevalue("early_broker")
        if early.thread is None:
            early.begin()
