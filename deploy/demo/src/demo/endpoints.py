"""Where the stack answers and which dev tokens to use (the local stack's, or the environment's)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from devstack.stack import StackConfig

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Endpoints:
    """Base URLs by service (plus ``sinks``), bearer tokens by key, and the Kafka bootstrap."""

    urls: dict[str, str]
    tokens: dict[str, str]
    kafka: str | None

    @classmethod
    def local(cls) -> Endpoints:
        """The ``make up`` stack: ports from the environment, tokens from ``.local/tokens.json``.

        ``DEMO_<SERVICE>_URL``, ``DEMO_SINKS_URL``, ``DEMO_TOKENS_FILE`` and
        ``DEMO_KAFKA_BOOTSTRAP`` point the loader at another stack (e.g. the compose one).
        """
        cfg = StackConfig.from_env()
        urls = {
            name: os.environ.get(f"DEMO_{name.upper()}_URL", f"http://{LOOPBACK}:{port}")
            for name, port in cfg.service_ports.items()
        }
        urls["sinks"] = os.environ.get("DEMO_SINKS_URL", f"http://{LOOPBACK}:{cfg.sink_http_port}")
        tokens_file = Path(os.environ.get("DEMO_TOKENS_FILE", cfg.state_dir / "tokens.json"))
        tokens = json.loads(tokens_file.read_text("utf-8"))
        kafka = os.environ.get("DEMO_KAFKA_BOOTSTRAP", f"{LOOPBACK}:{cfg.kafka_port}")
        return cls(urls=urls, tokens=tokens, kafka=kafka or None)
