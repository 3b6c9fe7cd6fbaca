"""How the platform's Kafka clients authenticate: PLAINTEXT (the default) or SASL.

One :class:`KafkaSecurity`, built from the settings, is handed to every Kafka client a service
creates (the faststream broker, the relay and DLQ producers, the pipeline probe, views' readers),
so that a principal's credentials are configured in one place. The password stays a
``SecretStr`` until the moment a client is built: ``repr`` and logs show ``**********``.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

PROTOCOLS: tuple[str, ...] = ("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS: tuple[str, ...] = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")
DEFAULT_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaSecurity:
    """A Kafka client's security protocol and, for SASL, its mechanism and credentials."""

    protocol: str = "PLAINTEXT"
    mechanism: str = DEFAULT_MECHANISM
    username: str = ""
    password: SecretStr = field(default_factory=lambda: SecretStr(""))

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"Kafka security protocol {self.protocol!r} is not one of {PROTOCOLS}")
        if self.mechanism not in MECHANISMS:
            raise ValueError(f"SASL mechanism {self.mechanism!r} is not one of {MECHANISMS}")
        if self.sasl and not (self.username and self.password.get_secret_value()):
            raise ValueError(f"{self.protocol} needs a SASL username and password")
        if not self.sasl and self.username:
            # Credentials with PLAINTEXT would be silently unused: a misconfiguration.
            raise ValueError("a SASL username is set but the security protocol is PLAINTEXT")

    @classmethod
    def sasl_scram(
        cls, username: str, password: str, *, protocol: str = "SASL_PLAINTEXT"
    ) -> KafkaSecurity:
        """SCRAM-SHA-512 credentials (what the local stack and the compose deployment use)."""
        return cls(protocol=protocol, username=username, password=SecretStr(password))

    @property
    def sasl(self) -> bool:
        """Whether the client authenticates with SASL."""
        return self.protocol.startswith("SASL_")

    def describe(self) -> str:
        """A loggable summary: protocol, mechanism and principal, never the password."""
        if not self.sasl:
            return self.protocol
        return f"{self.protocol} {self.mechanism} as {self.username}"

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client.

        The result holds the password in clear: pass it to a client, never log it.
        """
        if not self.sasl:
            return {}
        options: dict[str, Any] = {
            "security_protocol": self.protocol,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password.get_secret_value(),
        }
        if self.protocol == "SASL_SSL":
            options["ssl_context"] = ssl.create_default_context()
        return options

    def faststream(self) -> Any:
        """The faststream ``security=`` object for ``KafkaBroker`` (None for PLAINTEXT)."""
        if not self.sasl:
            return None
        from faststream.security import SASLPlaintext, SASLScram256, SASLScram512

        kinds = {
            "SCRAM-SHA-512": SASLScram512,
            "SCRAM-SHA-256": SASLScram256,
            "PLAIN": SASLPlaintext,
        }
        context = ssl.create_default_context() if self.protocol == "SASL_SSL" else None
        return kinds[self.mechanism](
            self.username,
            self.password.get_secret_value(),
            ssl_context=context,
            use_ssl=self.protocol == "SASL_SSL",
        )
