"""The command line every service shares: ``python -m <service> serve|migrate|openapi``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from shared.service import ServiceDefinition, migrate_service
from shared.settings import ServiceSettings


def run(
    settings_factory: Callable[[], ServiceSettings],
    definition_factory: Callable[[ServiceSettings], ServiceDefinition],
    app_factory: Callable[[ServiceSettings], FastAPI],
) -> None:
    """Parse the command line and serve, migrate, or print the OpenAPI document."""
    parser = argparse.ArgumentParser(description="Run a civil-affairs service.")
    parser.add_argument("command", choices=["serve", "migrate", "openapi"])
    args = parser.parse_args()
    settings = settings_factory()
    if args.command == "migrate":
        applied = asyncio.run(migrate_service(definition_factory(settings), settings))
        sys.stdout.write(json.dumps({"applied": applied}, ensure_ascii=False) + "\n")
        return
    app = app_factory(settings)
    if args.command == "openapi":
        sys.stdout.write(json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n")
        return
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
    )
