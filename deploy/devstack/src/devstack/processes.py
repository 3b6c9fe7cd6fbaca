"""Detached processes: liveness, command lines, and stopping them by pid."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


def pid_alive(pid: int | None) -> bool:
    """Whether ``pid`` names a running (not zombie) process."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A dead child we have not reaped yet still answers kill(0); /proc tells the truth.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def cmdline(pid: int) -> list[str]:
    """The argv of ``pid`` (empty when it is gone or unreadable)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def environ(pid: int) -> dict[str, str]:
    """The environment of ``pid`` (empty when it is gone or unreadable)."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (part.decode(errors="replace").partition("=") for part in raw.split(b"\0") if part)
    return {key: value for key, _, value in pairs}


def _reap(pid: int) -> None:
    # Our own detached children become zombies until waited for; others are reaped by init.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` has exited; returns whether it did within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        _reap(pid)
        if not pid_alive(pid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def wait_reaped(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` has left the process table (a zombie still counts as present).

    PostgreSQL's lock-file check uses ``kill(pid, 0)``, which succeeds on a zombie, so a crashed
    postmaster must be fully reaped before the next start.
    """
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        _reap(pid)
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def terminate_all(pids: list[int], timeout: float = 30.0) -> None:
    """SIGTERM every pid at once, wait up to ``timeout`` seconds for all, SIGKILL the rest."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids:
        if not wait_gone(pid, max(0.0, deadline - time.monotonic())):
            kill(pid)


def terminate(pid: int | None, timeout: float = 30.0) -> bool:
    """SIGTERM ``pid``, wait ``timeout`` seconds, then SIGKILL; returns whether it was running."""
    if pid is None or not pid_alive(pid):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout):
        kill(pid)
    return True


def kill(pid: int | None) -> bool:
    """SIGKILL ``pid`` and wait until it is gone; returns whether it was running."""
    if pid is None or not pid_alive(pid):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait_gone(pid, 10.0)
    return True


def own_lineage() -> set[int]:
    """This process and its ancestors, which a sweep must never touch."""
    pids: set[int] = set()
    pid = os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return pids


def all_pids() -> Iterator[int]:
    """Every pid in /proc."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def spawn_detached(
    argv: list[str], *, log_file: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in its own session with stdout and stderr appended to ``log_file``."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 - argv built by devstack, no shell
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a text file (empty when it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
