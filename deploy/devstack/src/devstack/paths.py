"""Where things live: the repository, the Kafka recipe, and the stack's state directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from devstack.console import say


def _find_repo_root() -> Path:
    # devstack is installed editable from deploy/devstack/src, so the repository is an ancestor.
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "deploy" / "kafka" / "pom.xml").is_file():
            return parent
    raise RuntimeError(f"cannot find the repository root above {here}")


REPO_ROOT = _find_repo_root()
KAFKA_DIR = REPO_ROOT / "deploy" / "kafka"


def state_dir() -> Path:
    """The local stack's state directory: ``$DEVSTACK_STATE_DIR``, default ``<repo>/.local``."""
    configured = os.environ.get("DEVSTACK_STATE_DIR", "").strip()
    return Path(configured).resolve() if configured else REPO_ROOT / ".local"


def make_traversable(path: Path) -> None:
    """Give "others" search (x) permission on every ancestor of ``path`` that lacks it.

    PostgreSQL runs as the ``postgres`` user, which must reach its data directory through
    directories owned by root. Only the x bit is added: nothing becomes listable or readable.
    """
    for parent in reversed(path.resolve().parents):
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            say(f"devstack: chmod o+x {parent} (so postgres can reach its data)", error=True)
            parent.chmod(mode | stat.S_IXOTH)
