"""The local stack's generated secrets: service DB passwords, bearer tokens, vault key and pepper.

Everything is generated once and then kept, so that running ``up`` again (or restarting one
service) never invalidates a token or a password someone already holds. Files are mode 600.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

# Bearer-token roles of the local stack. A key ending in "_<n>" is a second person holding the
# same role (four-eyes approvals need two different people).
TOKEN_ROLES: tuple[str, ...] = (
    "inspector",
    "safety_lead",
    "main_leader",
    "institution_staff",
    "auditor",
    "admin",
    "caseworker",
    "volunteer_coordinator",
    "finance_officer",
    "approver",
    "approver_2",
    "finance_bureau",
    "notify_operator",
    "views_reader",
)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (created 600, never world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


def _load_json(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _load_env(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return {}
    pairs = (line.partition("=") for line in lines if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, _, value in pairs}


def _ensure_json(path: Path, keys: tuple[str, ...]) -> dict[str, str]:
    values = _load_json(path)
    missing = [key for key in keys if not values.get(key)]
    for key in missing:
        values[key] = secrets.token_urlsafe(24)
    if missing or not path.exists():
        write_private(path, json.dumps(values, indent=2, sort_keys=True) + "\n")
    return values


@dataclass(frozen=True)
class StackSecrets:
    """What ``up`` hands to the services."""

    db_passwords: dict[str, str]
    tokens: dict[str, str]
    vault_key: str
    pii_pepper: str


def ensure_secrets(state_dir: Path, services: tuple[str, ...]) -> StackSecrets:
    """Load the stack's secrets from ``state_dir``, generating whatever is missing."""
    passwords = _ensure_json(state_dir / "secrets.json", services)
    tokens = _ensure_json(state_dir / "tokens.json", TOKEN_ROLES)
    keys_file = state_dir / "keys.env"
    keys = _load_env(keys_file)
    if not keys.get("VAULT_KEY") or not keys.get("PII_PEPPER"):
        if not keys.get("VAULT_KEY"):
            keys["VAULT_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
        if not keys.get("PII_PEPPER"):
            keys["PII_PEPPER"] = secrets.token_urlsafe(32)
        text = (
            "# Local-stack dev secrets, generated once by devstack. Never use them anywhere else.\n"
        )
        text += "".join(f"{key}={keys[key]}\n" for key in ("VAULT_KEY", "PII_PEPPER"))
        write_private(keys_file, text)
    return StackSecrets(
        db_passwords={svc: passwords[svc] for svc in services},
        tokens={role: tokens[role] for role in TOKEN_ROLES},
        vault_key=keys["VAULT_KEY"],
        pii_pepper=keys["PII_PEPPER"],
    )
