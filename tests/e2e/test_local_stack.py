"""The local stack end to end: ``python -m devstack up`` (twice), ``status``, ``down``.

Everything runs on free ports with a private state dir, so it never collides with a developer's
``make up`` or with the test broker and database. When something fails to start, the assertion
message carries devstack's output (which includes the failing log's tail) and every log's tail.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from devstack import processes
from devstack.ports import port_open, wait_port_closed
from devstack.secrets_store import TOKEN_ROLES
from tests.e2e.stackenv import PORT_VARIABLES, SERVICES, logs, private_stack_env


@pytest.fixture
def stack_env():
    with private_stack_env() as env:
        yield env


def _devstack(env, *args, timeout):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    sys.stdout.write(
        f"devstack {' '.join(args)}: exit {result.returncode} in "
        f"{time.monotonic() - started:.1f}s\n"
    )
    return result


def _explain(result, state):
    return (
        f"exit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n"
        f"{result.stderr}\n{logs(state)}"
    )


def _pids(recorded):
    pids = {"kafka": recorded["kafka"]["pid"], "postgres": recorded["postgres"]["pid"]}
    pids.update({name: record["pid"] for name, record in recorded["services"].items()})
    if "sinks" in recorded:
        pids["sinks"] = recorded["sinks"]["pid"]
    return pids


def _referencing(state):
    marker = str(state)
    found = []
    for pid in processes.all_pids():
        if not processes.pid_alive(pid):
            continue
        argv = processes.cmdline(pid)
        owned = processes.environ(pid).get("DEVSTACK_OWNER") == marker
        if owned or any(marker in arg for arg in argv):
            found.append((pid, " ".join(argv)[:200]))
    return found


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_up_twice_status_down_with_every_service_and_the_sinks(stack_env):
    env = stack_env
    state = Path(env["DEVSTACK_STATE_DIR"])
    port = {name: int(env[name]) for name in PORT_VARIABLES}

    first = _devstack(env, "up", timeout=360)
    assert first.returncode == 0, _explain(first, state)

    recorded = json.loads((state / "stack.json").read_text())
    assert set(recorded["services"]) == set(SERVICES), _explain(first, state)
    for service in SERVICES:
        ready = httpx.get(f"http://127.0.0.1:{port[f'{service.upper()}_PORT']}/ready", timeout=10)
        assert ready.status_code == 200, f"{service}: {ready.text}\n{logs(state)}"
    sinks_url = f"http://127.0.0.1:{port['NOTIFY_SINK_HTTP_PORT']}/"
    assert recorded["sinks"]["url"] == sinks_url
    page = httpx.get(sinks_url, timeout=10)
    assert page.status_code == 200
    assert "通知开发接收端" in page.text
    assert port_open(port["NOTIFY_SINK_SMTP_PORT"])
    assert sinks_url in first.stdout

    # notify delivers to this stack's sinks; each vault service has a key of its own.
    service_env = {s: processes.environ(recorded["services"][s]["pid"]) for s in SERVICES}
    notify = service_env["notify"]
    assert notify["SINK_SMTP_PORT"] == env["NOTIFY_SINK_SMTP_PORT"]
    assert notify["SINK_HTTP_URL"] == sinks_url.rstrip("/")
    keys = [service_env[s]["VAULT_KEY"] for s in ("eldercare", "charity", "notify")]
    assert len(set(keys)) == 3
    assert "VAULT_KEY" not in service_env["inspection"]
    assert "VAULT_KEY" not in service_env["views"]

    tokens = json.loads((state / "tokens.json").read_text())
    assert set(tokens) == set(TOKEN_ROLES)
    assert all(tokens.values())

    pids = _pids(recorded)
    second = _devstack(env, "up", timeout=180)
    assert second.returncode == 0, _explain(second, state)
    assert _pids(json.loads((state / "stack.json").read_text())) == pids  # nothing restarted
    assert json.loads((state / "tokens.json").read_text()) == tokens

    status = _devstack(env, "status", timeout=120)
    assert status.returncode == 0, _explain(status, state)
    for name, pid in pids.items():
        assert str(pid) in status.stdout, name
    for service in SERVICES:
        assert f"127.0.0.1:{port[f'{service.upper()}_PORT']}" in status.stdout, service
    assert sinks_url in status.stdout

    down = _devstack(env, "down", timeout=180)
    assert down.returncode == 0, _explain(down, state)
    assert _referencing(state) == []
    still_open = [name for name, number in port.items() if not wait_port_closed(number, 15)]
    assert still_open == []
    for name, pid in pids.items():
        assert not processes.pid_alive(pid), name
