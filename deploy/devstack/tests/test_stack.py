import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from devstack import processes
from devstack.ports import free_port, port_open
from devstack.secrets_store import TOKEN_ROLES
from devstack.stack import SERVICES


@pytest.fixture
def stack_env():
    # A private state dir and free ports: never the developer's .local/ or make-up ports.
    state = Path(tempfile.mkdtemp(prefix="devstack-stack-test-"))
    state.chmod(0o755)
    env = {
        **os.environ,
        "DEVSTACK_STATE_DIR": str(state),
        "DEVSTACK_SERVICES": "",
        "KAFKA_PORT": str(free_port()),
        "KAFKA_CONTROLLER_PORT": str(free_port()),
        "PG_PORT": str(free_port()),
        "KAFKA_TOPIC_PARTITIONS": "1",
    }
    yield env
    # Whatever happened, leave nothing running.
    subprocess.run([sys.executable, "-m", "devstack", "down"], env=env, check=False, timeout=120)
    shutil.rmtree(state, ignore_errors=True)


def _devstack(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.timeout(600)
def test_up_twice_then_down_leaves_nothing_running(stack_env):
    state = Path(stack_env["DEVSTACK_STATE_DIR"])

    first = _devstack(stack_env, "up")
    assert first.returncode == 0, first.stdout + first.stderr
    recorded = json.loads((state / "stack.json").read_text())
    kafka_pid, pg_pid = recorded["kafka"]["pid"], recorded["postgres"]["pid"]
    assert processes.pid_alive(kafka_pid)
    assert processes.pid_alive(pg_pid)
    assert port_open(int(stack_env["KAFKA_PORT"]))
    assert port_open(int(stack_env["PG_PORT"]))
    assert f"127.0.0.1:{stack_env['KAFKA_PORT']}" in first.stdout

    tokens = json.loads((state / "tokens.json").read_text())
    assert set(tokens) == set(TOKEN_ROLES)
    assert len(set(tokens.values())) == len(TOKEN_ROLES)
    stored = json.loads((state / "secrets.json").read_text())
    assert set(stored["db_passwords"]) == set(SERVICES)
    assert set(stored["vault_keys"]) == {"eldercare", "charity", "notify"}
    assert set(stored["pii_peppers"]) == {"eldercare", "charity"}
    assert not (state / "keys.env").exists()
    for secret in ("tokens.json", "secrets.json"):
        assert _mode(state / secret) == 0o600, secret
    # DEVSTACK_SERVICES="" selects no service, so no notify sinks either.
    assert "sinks" not in recorded

    second = _devstack(stack_env, "up")
    assert second.returncode == 0, second.stdout + second.stderr
    again = json.loads((state / "stack.json").read_text())
    assert (again["kafka"]["pid"], again["postgres"]["pid"]) == (kafka_pid, pg_pid)
    assert json.loads((state / "tokens.json").read_text()) == tokens
    assert json.loads((state / "secrets.json").read_text()) == stored

    status = _devstack(stack_env, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert str(kafka_pid) in status.stdout

    down = _devstack(stack_env, "down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert not processes.pid_alive(kafka_pid)
    assert not processes.pid_alive(pg_pid)
    assert not port_open(int(stack_env["KAFKA_PORT"]))
    assert not port_open(int(stack_env["PG_PORT"]))
    leftovers = [
        pid
        for pid in processes.all_pids()
        if processes.pid_alive(pid) and any(str(state) in arg for arg in processes.cmdline(pid))
    ]
    assert leftovers == []
    assert _devstack(stack_env, "status").returncode != 0
