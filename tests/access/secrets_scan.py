"""Looking for secrets in text: raw, URL-encoded, hex, and inside any base64 stream."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from urllib.parse import quote

# Shorter fragments could turn up by chance in a large haystack.
MIN_NEEDLE = 16


def _base64_fragments(raw: bytes) -> set[str]:
    """What any base64 encoding of a stream holding ``raw`` must contain, whatever surrounds it.

    base64 maps 3-byte groups to 4 characters: only the groups made of ``raw``'s bytes alone
    are fixed, and which groups those are depends on ``raw``'s offset in the stream modulo 3.
    """
    found = set()
    for offset in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * offset + raw + b"\0\0").decode()
            first_group = -(-offset // 3)
            last_group = (offset + len(raw)) // 3
            found.add(text[4 * first_group : 4 * last_group])
    return found


def forms(secret: str) -> set[str]:
    """Every form of a secret to look for (each at least :data:`MIN_NEEDLE` characters)."""
    raw = secret.encode()
    found = {secret, quote(secret, safe=""), raw.hex(), *_base64_fragments(raw)}
    try:
        # A base64 key (VAULT_KEY): its bytes, in hex and in the other base64 alphabet.
        key = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) >= MIN_NEEDLE:
        found |= {key.hex(), base64.urlsafe_b64encode(key).decode(), *_base64_fragments(key)}
    return {f for f in found if len(f) >= MIN_NEEDLE}


def leaks(secrets: Mapping[str, str], haystacks: Iterable[tuple[str, str]]) -> list[str]:
    """``"<secret name> in <where>"`` for every secret found, never the secret itself."""
    needles = {name: forms(value) for name, value in secrets.items()}
    found = []
    for where, text in haystacks:
        for name, variants in needles.items():
            if any(v in text for v in variants):
                found.append(f"{name} in {where}")
    return found
