"""``python -m devstack docs [--check] [--out DIR]``: the integrators' documents, offline.

Writes under ``docs/``: ``asyncapi/<service>.json`` (the AsyncAPI 3 document each service serves
at ``/asyncapi``), ``events.md`` (the event catalogue) and ``schemas/<type>.json``. Nothing
connects to Kafka or PostgreSQL: each service's definition is composed the way its ``__main__``
composes it (``<service>.__main__`` binds ``Settings`` and ``definition`` for ``shared.cli``),
with settings from code defaults only, so the output does not depend on the caller's environment.
Hand-written pages in ``docs/`` are left alone; stale files in ``asyncapi/`` and ``schemas/``
are removed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from devstack.catalogue import ServiceFacts, render, schema_files
from devstack.console import say
from devstack.paths import REPO_ROOT
from devstack.stack import SERVICES
from shared.asyncapi import specification
from shared.clock import SystemClock
from shared.service import Runtime, ServiceDefinition
from shared.settings import ServiceSettings

DOCS_DIR = REPO_ROOT / "docs"
GENERATED_DIRS = ("asyncapi", "schemas")  # wholly generated: stray files there are stale
OFFLINE_DATABASE_URL = "postgresql://docs@127.0.0.1/docs"  # never connected to
RERUN = "run `make docs` and commit docs/"


def _init_only(cls: type[ServiceSettings], *_: Any, **sources: Any) -> tuple[Any, ...]:
    # pydantic-settings' hook: (settings_cls, init_settings=, env_settings=, ...); keep init only.
    del cls
    return (sources["init_settings"],)


def offline_settings(settings_cls: type[ServiceSettings]) -> ServiceSettings:
    """The service's settings from code defaults only (no environment, no files)."""
    isolated = type(
        f"Offline{settings_cls.__name__}",
        (settings_cls,),
        {"settings_customise_sources": classmethod(_init_only)},
    )
    return cast("ServiceSettings", isolated(database_url=OFFLINE_DATABASE_URL))


def load_service(name: str) -> tuple[ServiceDefinition, ServiceSettings]:
    """The service's definition, composed as ``python -m <name> serve`` composes it."""
    entry = importlib.import_module(f"{name}.__main__")
    settings = offline_settings(entry.Settings)
    return entry.definition(settings), settings


def asyncapi_document(definition: ServiceDefinition, settings: ServiceSettings) -> dict[str, Any]:
    """The AsyncAPI 3 document the service serves at ``/asyncapi``, built without connecting."""
    runtime = Runtime(definition, settings, SystemClock())  # constructs clients, opens nothing
    spec = specification(
        runtime.broker,
        title=f"{definition.name} events",
        version=definition.version,
        description=definition.description,
    )
    document: dict[str, Any] = json.loads(spec.to_specification().to_json())
    return document


def facts_of(definition: ServiceDefinition, settings: ServiceSettings) -> ServiceFacts:
    """What the catalogue needs from a service: what it publishes and handles."""
    return ServiceFacts(
        name=definition.name,
        group=settings.consumer_group,
        publishes=tuple(event.TYPE for event in definition.publishes),
        consumes=tuple(definition.handlers),
    )


def generate(services: Sequence[str] = SERVICES) -> dict[str, str]:
    """Every generated file: path relative to ``docs/`` → its text."""
    files: dict[str, str] = {}
    facts = []
    for name in services:
        definition, settings = load_service(name)
        document = asyncapi_document(definition, settings)
        files[f"asyncapi/{name}.json"] = (
            json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
        facts.append(facts_of(definition, settings))
    files["events.md"] = render(facts)
    files.update(schema_files())
    return dict(sorted(files.items()))


def _stale(docs: Path, files: dict[str, str]) -> list[Path]:
    found = [p for d in GENERATED_DIRS if (docs / d).is_dir() for p in (docs / d).rglob("*")]
    return sorted(p for p in found if p.is_file() and p.relative_to(docs).as_posix() not in files)


def write(docs: Path, files: dict[str, str]) -> list[str]:
    """Write the generated files, remove stale ones; returns what changed (relative paths)."""
    changed = []
    for relative, text in files.items():
        path = docs / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(relative)
    for path in _stale(docs, files):
        path.unlink()
        changed.append(f"{path.relative_to(docs).as_posix()} (removed)")
    return changed


def differences(docs: Path, files: dict[str, str]) -> list[str]:
    """How ``docs`` differs from the generated files (empty when up to date)."""
    found = []
    for relative, text in files.items():
        path = docs / relative
        if not path.is_file():
            found.append(f"{relative}: missing")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"{relative}: differs")
    found += [
        f"{p.relative_to(docs).as_posix()}: not generated (stale)" for p in _stale(docs, files)
    ]
    return found


def main(argv: Sequence[str]) -> int:
    """Generate the documents into ``docs/`` (or check them with ``--check``); the exit code."""
    parser = argparse.ArgumentParser(prog="python -m devstack docs", description=__doc__)
    parser.add_argument("--out", type=Path, default=DOCS_DIR, help="target folder (docs/)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if stale")
    args = parser.parse_args(argv)
    # Composing a service may log start-up warnings (missing vault keys): irrelevant offline.
    logging.getLogger().addHandler(logging.NullHandler())
    files = generate()
    if args.check:
        stale = differences(args.out, files)
        for line in stale:
            say(f"devstack: docs: {line}", error=True)
        if stale:
            say(f"devstack: docs are out of date: {RERUN}", error=True)
            return 1
        say(f"devstack: docs: {len(files)} generated files up to date in {args.out}")
        return 0
    changed = write(args.out, files)
    say(f"devstack: docs: {len(files)} files in {args.out}, {len(changed)} changed")
    for line in changed:
        say(f"  {line}")
    return 0
