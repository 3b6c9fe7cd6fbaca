"""The local stack's generated secrets: DB passwords, bearer tokens, per-service vault keys.

Everything is generated once and then kept, so that running ``up`` again (or restarting one
service) never invalidates a token or a password someone already holds. Files are mode 600.

``secrets.json`` holds ``{"db_passwords": {service: password}, "vault_keys": {service: key},
"pii_peppers": {service: pepper}}``. Each service with a vault gets its own key (and pepper):
one leaked key never opens another service's personal data. A ``secrets.json`` written by an
earlier devstack (a flat ``{service: password}``) is read as the passwords, kept, and completed.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Bearer-token roles of the local stack. A key ending in "_<n>" is a second person holding the
# same role (four-eyes approvals need two different people).
TOKEN_ROLES: tuple[str, ...] = (
    "inspector",
    "inspector_2",
    "inspector_3",
    "inspector_4",
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
    "approver_3",
    "finance_bureau",
    "notify_operator",
    "views_reader",
)
# Services keeping personal data in an AES-256-GCM vault (VAULT_KEY), and those of them that
# deduplicate ID cards with a keyed HMAC (PII_PEPPER).
VAULT_SERVICES: tuple[str, ...] = ("eldercare", "charity", "notify")
PEPPER_SERVICES: tuple[str, ...] = ("eldercare", "charity")
# The sections of secrets.json.
_SECTIONS = ("db_passwords", "vault_keys", "pii_peppers")
# Secure mode: {principal: password} of the broker's SCRAM users (admin, each service, integrator).
KAFKA_CREDENTIALS_FILE = "kafka-credentials.json"
# Before per-service keys, one VAULT_KEY/PII_PEPPER shared by every service lived in keys.env.
LEGACY_KEYS_FILE = "keys.env"
RETIRED_KEYS_FILE = "keys.env.retired"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (created 600, never world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


def _load_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str) and v}


def new_token() -> str:
    """A bearer token (or password): 24 random bytes, URL-safe."""
    return secrets.token_urlsafe(24)


def new_vault_key() -> str:
    """An AES-256 key: base64 of 32 random bytes."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_pepper() -> str:
    """An HMAC key for blind indexes (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def fresh_tokens() -> dict[str, str]:
    """A new ``{role: token}`` for every role of ``TOKEN_ROLES`` (``python -m devstack tokens``)."""
    return {role: new_token() for role in TOKEN_ROLES}


def _fill(values: dict[str, str], keys: tuple[str, ...], make: Callable[[], str]) -> bool:
    missing = [key for key in keys if not values.get(key)]
    for key in missing:
        values[key] = make()
    return bool(missing)


def _ensure_tokens(path: Path) -> dict[str, str]:
    values = _strings(_load_object(path))
    if _fill(values, TOKEN_ROLES, new_token) or not path.exists():
        write_private(path, json.dumps(values, indent=2, sort_keys=True) + "\n")
    return values


def _ensure_stack_secrets(path: Path, services: tuple[str, ...]) -> dict[str, dict[str, str]]:
    raw = _load_object(path)
    if any(section in raw for section in _SECTIONS):
        sections = {section: _strings(raw.get(section)) for section in _SECTIONS}
    else:
        # The flat format of earlier devstacks: {service: db password}.
        sections = {"db_passwords": _strings(raw), "vault_keys": {}, "pii_peppers": {}}
    vaults = tuple(s for s in VAULT_SERVICES if s in services)
    peppers = tuple(s for s in PEPPER_SERVICES if s in services)
    changed = _fill(sections["db_passwords"], services, new_token)
    changed |= _fill(sections["vault_keys"], vaults, new_vault_key)
    changed |= _fill(sections["pii_peppers"], peppers, new_pepper)
    if changed or set(raw) != set(_SECTIONS):
        write_private(path, json.dumps(sections, indent=2, sort_keys=True) + "\n")
    return sections


@dataclass(frozen=True)
class StackSecrets:
    """What ``up`` hands to the services."""

    db_passwords: dict[str, str]
    tokens: dict[str, str]
    vault_keys: dict[str, str]
    pii_peppers: dict[str, str]

    def vault_env(self, service: str) -> dict[str, str]:
        """``VAULT_KEY`` / ``PII_PEPPER`` of ``service`` (only those it has; none for most)."""
        env: dict[str, str] = {}
        if service in self.vault_keys:
            env["VAULT_KEY"] = self.vault_keys[service]
        if service in self.pii_peppers:
            env["PII_PEPPER"] = self.pii_peppers[service]
        return env


def ensure_secrets(state_dir: Path, services: tuple[str, ...]) -> StackSecrets:
    """Load the stack's secrets from ``state_dir``, generating whatever is missing."""
    sections = _ensure_stack_secrets(state_dir / "secrets.json", services)
    tokens = _ensure_tokens(state_dir / "tokens.json")
    return StackSecrets(
        db_passwords={svc: sections["db_passwords"][svc] for svc in services},
        tokens={role: tokens[role] for role in TOKEN_ROLES},
        vault_keys={s: sections["vault_keys"][s] for s in VAULT_SERVICES if s in services},
        pii_peppers={s: sections["pii_peppers"][s] for s in PEPPER_SERVICES if s in services},
    )


def ensure_kafka_credentials(state_dir: Path, principals: tuple[str, ...]) -> dict[str, str]:
    """``{principal: password}`` of the secure broker's users, generated once and kept (600).

    The broker learns them when its data dir is formatted; a password changed here afterwards
    would no longer match, so existing ones are never rotated.
    """
    path = state_dir / KAFKA_CREDENTIALS_FILE
    values = _strings(_load_object(path))
    if _fill(values, principals, new_token) or not path.exists():
        write_private(path, json.dumps(values, indent=2, sort_keys=True) + "\n")
    return {name: values[name] for name in principals}


def retire_legacy_keys(state_dir: Path) -> Path | None:
    """Rename an earlier devstack's shared ``keys.env`` (no longer read); returns the new path.

    Its key is kept, not deleted: personal data a service encrypted under it can still be
    recovered by hand, though the services now run with their own keys.
    """
    legacy = state_dir / LEGACY_KEYS_FILE
    if not legacy.is_file():
        return None
    retired = state_dir / RETIRED_KEYS_FILE
    legacy.replace(retired)
    return retired
