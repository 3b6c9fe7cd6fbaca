"""Console output of the devstack command line."""

from __future__ import annotations

import sys
import unicodedata


def say(message: str, *, error: bool = False) -> None:
    """Print one message for the person at the terminal (stderr when ``error``), flushed at once."""
    stream = sys.stderr if error else sys.stdout
    stream.write(message + "\n")
    stream.flush()


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (CJK characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)
