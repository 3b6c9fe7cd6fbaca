"""Console output of the devstack command line."""

from __future__ import annotations

import sys


def say(message: str, *, error: bool = False) -> None:
    """Print one message for the person at the terminal (stderr when ``error``), flushed at once."""
    stream = sys.stderr if error else sys.stdout
    stream.write(message + "\n")
    stream.flush()
