"""The wiring of the eldercare service: settings → key ring, rules and units of work.

The HTTP entrypoints compose the service definition from this wiring and their routers
(``eldercare.entrypoints.app``); the layers contract lets entrypoints depend on bootstrap, not
the other way round.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

import asyncpg

from eldercare.adapters.crypto import KEY_BYTES, KeyRing
from eldercare.adapters.unit_of_work import PgUnitOfWork, unit_of_work
from eldercare.config import Settings
from eldercare.service_layer.ports import Actor, Rules
from shared.clock import Clock
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

__all__ = ["PgUnitOfWork", "Wiring", "keyring_from", "wire"]


def _key(text: str, *, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} is not base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{name} must decode to {KEY_BYTES} bytes")
    return raw


def keyring_from(settings: Settings) -> KeyRing | None:
    """The vault's keys from the environment; ephemeral in demo mode when none is set.

    Outside demo mode a missing key or pepper leaves the vault closed (personal-data commands
    answer 503) rather than inventing a key nobody could recover data with.
    """
    if settings.vault_key is None or settings.pii_pepper is None:
        if not settings.demo_mode:
            log.error("VAULT_KEY or PII_PEPPER is not set: personal-data commands answer 503")
            return None
        log.warning("VAULT_KEY/PII_PEPPER not set: demo mode uses an ephemeral key for this run")
        return KeyRing(
            current_id="ephemeral",
            keys={"ephemeral": secrets.token_bytes(KEY_BYTES)},
            pepper=secrets.token_bytes(32),
        )
    keys = {settings.vault_key_id: _key(settings.vault_key.get_secret_value(), name="VAULT_KEY")}
    if settings.vault_retired_keys is not None:
        retired: dict[str, Any] = json.loads(settings.vault_retired_keys.get_secret_value())
        for key_id, text in retired.items():
            keys.setdefault(str(key_id), _key(str(text), name=f"VAULT_RETIRED_KEYS[{key_id}]"))
    return KeyRing(
        current_id=settings.vault_key_id,
        keys=keys,
        pepper=settings.pii_pepper.get_secret_value().encode(),
    )


def _hours(text: str) -> tuple[str, str]:
    start, _, end = text.partition("-")
    return start, end


@dataclass(frozen=True)
class Wiring:
    """What the entrypoints need to run a use case: keys, rules, and units of work."""

    settings: Settings
    keyring: KeyRing | None
    rules: Rules

    def unit_of_work(
        self, pool: asyncpg.Pool, clock: Clock, actor: Actor, *, correlation_id: str | None = None
    ) -> AbstractAsyncContextManager[PgUnitOfWork]:
        """One transaction, reading the clock once: "now" is the same for the whole command."""
        return unit_of_work(
            pool,
            keyring=self.keyring,
            rules=self.rules,
            now=clock.now(),
            actor=actor,
            schema=self.settings.schema_name,
            correlation_id=correlation_id,
        )


def wire(settings: ServiceSettings) -> Wiring:
    """Build the wiring once per process from the settings."""
    if not isinstance(settings, Settings):
        raise TypeError("eldercare needs eldercare.config.Settings")
    rules = Rules(
        home_mod_subsidy_cap_minor=settings.home_mod_subsidy_cap_minor,
        home_mod_period_years=settings.home_mod_period_years,
        meal_subsidy_cap_minor=settings.meal_subsidy_cap_minor,
        default_meal_slots={
            "LUNCH": _hours(settings.meal_lunch_hours),
            "DINNER": _hours(settings.meal_dinner_hours),
        },
    )
    return Wiring(settings=settings, keyring=keyring_from(settings), rules=rules)
