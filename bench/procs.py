"""Processes of a stack from /proc: trees, resident memory, CPU time, and a periodic sampler."""

import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        kids[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    return kids


def trees(roots: Mapping[str, int]) -> dict[str, list[int]]:
    """Each root pid with all its descendants (PostgreSQL's backends, a JVM's wrapper)."""
    kids = _children()
    found: dict[str, list[int]] = {}
    for name, root in roots.items():
        todo, seen = [root], []
        while todo:
            pid = todo.pop()
            seen.append(pid)
            todo.extend(kids.get(pid, ()))
        found[name] = seen
    return found


def status_kib(pid: int, field_name: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of /proc/<pid>/status in KiB (0 when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> int:
    """Resident set size now (0 when gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages split among their users (0 when unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of these processes so far, and of their children that ended.

    A child's time moves to its parent's cutime/cstime when the parent reaps it, so a tree's sum
    keeps counting a PostgreSQL backend whose connection closed during a window.
    """
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def cpu_by_part(roots: Mapping[str, int]) -> dict[str, float]:
    """CPU seconds so far of each part's tree."""
    return {name: cpu_seconds(pids) for name, pids in trees(roots).items()}


def cpu_delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """CPU seconds each part spent between two ``cpu_by_part`` readings."""
    return {k: round(after[k] - before.get(k, 0.0), 2) for k in after}


@dataclass
class MemorySampler:
    """Samples the RSS and PSS of every part's tree every ``interval`` seconds in a thread.

    PSS is read every ``pss_every`` samples only: smaps_rollup walks every mapping of a process,
    a few milliseconds for a JVM with a large heap.
    """

    roots: Mapping[str, int]
    interval: float = 1.0
    pss_every: int = 2
    samples: int = 0
    peak_part: dict[str, int] = field(default_factory=dict)
    peak_total: int = 0
    first_total: int = 0
    peak_pss_total: int = 0
    first_pss_total: int = 0
    pss_parts_at_peak: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            self.sample()
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - began)))

    def sample(self) -> None:
        found = trees(self.roots)
        parts = {name: sum(rss_bytes(p) for p in pids) for name, pids in found.items()}
        total = sum(parts.values())
        for name, value in parts.items():
            self.peak_part[name] = max(self.peak_part.get(name, 0), value)
        self.peak_total = max(self.peak_total, total)
        if self.samples % self.pss_every == 0:
            pss = {name: sum(pss_bytes(p) for p in pids) for name, pids in found.items()}
            pss_total = sum(pss.values())
            if self.samples == 0:
                self.first_pss_total = pss_total
            if pss_total > self.peak_pss_total:
                self.peak_pss_total, self.pss_parts_at_peak = pss_total, pss
        if self.samples == 0:
            self.first_total = total
        self.samples += 1


def mib(n: float) -> float:
    """Bytes as MiB, rounded."""
    return round(n / MIB, 1)
