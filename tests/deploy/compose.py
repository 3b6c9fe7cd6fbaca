"""Reading the operators' files the way Docker Compose does, and the project's rules on them.

Compose files are parsed with a real YAML parser (PyYAML's safe loader, which resolves anchors
and ``<<`` merge keys as Compose does). Variables are interpolated with Compose's syntax
(``$$``, ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}``,
``${VAR?error}``). Override files are merged the way Compose merges the keys these files use
(mappings key by key, ``command``/``entrypoint``/``healthcheck.test`` replaced, other sequences
appended). Each rule takes paths and returns the problems it found (empty = the rule holds), so
that a test can run it on a deliberately broken copy as well as on the committed file.
"""

from __future__ import annotations

import importlib
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
KAFKA_3 = REPO / "deploy" / "compose" / "kafka-3.yml"
COMPOSE_FILES = (COMPOSE, KAFKA_3)
ENV_EXAMPLE = REPO / ".env.example"
SERVICE_DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
OTEL_DOCKERFILE = REPO / "deploy" / "otel" / "Dockerfile"
DOCKERFILES = (SERVICE_DOCKERFILE, OTEL_DOCKERFILE)
OPERATIONS_DOC = REPO / "docs" / "operations.md"
SERVICES = ("inspection", "eldercare", "charity", "notify", "views")

# Environment variable names that hold secrets (not a key's id, not a path to a secret file).
_SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PEPPER|VAULT_KEY|_KEYS$")
_NOT_SECRET = re.compile(r"(_ID|_FILE)$")
# A version tag: at least major.minor, optionally a suffix (15.10-bookworm, 0.144.0, v1.2.3).
VERSION_TAG = re.compile(r"^v?\d+(\.\d+){1,3}([-+._][A-Za-z0-9._-]+)?$")
KAFKA_IMAGES = ("apache/kafka", "apache/kafka-native")

_REFERENCE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_]\w*))")
_OPERATORS = (":?", "?", ":-", "-")


class MissingVariableError(ValueError):
    """A ``${VAR:?message}`` (or ``${VAR?message}``) whose variable is not set."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"required variable {name} is missing a value: {message}")
        self.name = name


@dataclass(frozen=True)
class Reference:
    """One ``${...}`` in a compose file: the variable, its operator and the text after it."""

    name: str
    operator: str = ""
    argument: str = ""

    @property
    def required(self) -> bool:
        return self.operator in (":?", "?")


def _parse_braced(inner: str) -> Reference:
    match = re.match(r"[A-Za-z_]\w*", inner)
    if match is None:
        raise ValueError(f"invalid interpolation ${{{inner}}}")
    name, rest = match.group(), inner[match.end() :]
    for operator in _OPERATORS:
        if rest.startswith(operator):
            return Reference(name, operator, rest[len(operator) :])
    if rest:
        raise ValueError(f"invalid interpolation ${{{inner}}}")
    return Reference(name)


def is_secret_name(variable: str) -> bool:
    """Whether an environment variable of that name holds a secret."""
    return bool(_SECRET_NAME.search(variable)) and not _NOT_SECRET.search(variable)


def references(text: str) -> list[Reference]:
    """Every variable ``text`` interpolates."""
    found = []
    for match in _REFERENCE.finditer(text):
        if match["braced"] is not None:
            found.append(_parse_braced(match["braced"]))
        elif match["named"] is not None:
            found.append(Reference(match["named"]))
    return found


def _substitute(ref: Reference, env: Mapping[str, str]) -> str:
    value = env.get(ref.name)
    if ref.operator == ":-":
        return value if value else ref.argument
    if ref.operator == "-":
        return value if value is not None else ref.argument
    if ref.operator == ":?" and not value:
        raise MissingVariableError(ref.name, ref.argument)
    if ref.operator == "?" and value is None:
        raise MissingVariableError(ref.name, ref.argument)
    return value or ""


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """``text`` with every variable replaced as Compose does; raises MissingVariableError."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"] is not None:
            return "$"
        if match["braced"] is not None:
            return _substitute(_parse_braced(match["braced"]), env)
        return env.get(match["named"], "")

    return _REFERENCE.sub(replace, text)


def load(path: Path) -> dict[str, Any]:
    """One compose (or other YAML) file as plain data, anchors and merge keys resolved."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a YAML mapping")
    return data


_REPLACED = frozenset({"command", "entrypoint", "test"})


def merge(base: Any, override: Any, key: str = "") -> Any:
    """``override`` applied on ``base`` as Compose merges the keys these files use."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for k, v in override.items():
            merged[k] = merge(base[k], v, k) if k in base else v
        return merged
    if isinstance(base, list) and isinstance(override, list) and key not in _REPLACED:
        return base + [item for item in override if item not in base]
    return override


def load_merged(*paths: Path) -> dict[str, Any]:
    """``docker compose -f a -f b ...``: the files merged in order."""
    merged: dict[str, Any] = {}
    for path in paths:
        merged = merge(merged, load(path))
    return merged


def services(compose: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``services`` mapping."""
    found = compose.get("services") or {}
    return {str(name): dict(spec or {}) for name, spec in found.items()}


def strings(value: Any) -> Iterator[str]:
    """Every string (keys included) anywhere inside ``value``."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def environment(spec: Mapping[str, Any]) -> dict[str, str | None]:
    """A service's ``environment`` as written (values as strings; None = passed through)."""
    raw = spec.get("environment") or {}
    if isinstance(raw, list):
        pairs = [item.split("=", 1) if "=" in item else [item, None] for item in raw]
        raw = {pair[0]: pair[1] for pair in pairs}
    return {
        str(k): (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
        for k, v in raw.items()
    }


def resolved_environment(spec: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """What the container gets: interpolated values, pass-through ones only when set."""
    resolved = {}
    for name, value in environment(spec).items():
        if value is None:
            if name in env:
                resolved[name] = env[name]
        else:
            resolved[name] = interpolate(value, env)
    return resolved


def read_env_file(path: Path) -> dict[str, str]:
    """A ``.env`` file's assignments (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and "=" in stripped:
            name, _, value = stripped.partition("=")
            values[name.strip()] = value.strip()
    return values


def documented_env_names(path: Path) -> set[str]:
    """Names an env file mentions, assigned or as a commented-out ``# NAME=`` example."""
    pattern = re.compile(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(path.read_text(encoding="utf-8")))


def example_env(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """``.env.example`` with every empty secret filled by a placeholder, as an operator would."""
    values = read_env_file(path)
    return {k: v or f"placeholder-{k.lower().replace('_', '-')}" for k, v in values.items()}


def operator_environments(
    env_file: Path = ENV_EXAMPLE, compose_files: tuple[Path, ...] = COMPOSE_FILES
) -> list[dict[str, str]]:
    """The environments compose may run with: the template filled in, and only what is required.

    The second one leaves every optional variable unset, so compose's own defaults apply.
    """
    filled = example_env(env_file)
    required = {
        ref.name
        for path in compose_files
        for text in strings(load(path))
        for ref in references(text)
        if ref.required
    }
    return [filled, {k: v for k, v in filled.items() if k in required}]


def served_service(spec: Mapping[str, Any]) -> str | None:
    """The service package a compose service runs with ``python -m <name> serve``, if any."""
    command = spec.get("command") or []
    if isinstance(command, str):
        command = shlex.split(command)
    if len(command) >= 4 and command[:2] == ["python", "-m"] and command[3] == "serve":
        return str(command[2])
    return None


def settings_class(package: str) -> Any:
    """``<package>.config.Settings``."""
    return importlib.import_module(f"{package}.config").Settings


# --- Dockerfiles ---------------------------------------------------------------------------------


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        pending += " " + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            keyword, _, arguments = pending.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
            pending = ""
    return instructions


def final_stage(path: Path) -> list[tuple[str, str]]:
    """The instructions of the last stage (from its FROM on)."""
    instructions = dockerfile_instructions(path)
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :] if starts else instructions


def image_env(path: Path) -> dict[str, str]:
    """The ENV the final image sets (``ENV K=V ...`` form)."""
    values = {}
    for keyword, arguments in final_stage(path):
        if keyword == "ENV":
            for word in shlex.split(arguments):
                name, _, value = word.partition("=")
                values[name] = value
    return values


def base_images(path: Path) -> list[str]:
    """Images a Dockerfile pulls: FROM (not earlier stages, not scratch) and COPY --from=image."""
    stages: set[str] = set()
    images = []
    for keyword, arguments in dockerfile_instructions(path):
        words = arguments.split()
        if keyword == "FROM":
            image = next(w for w in words if not w.startswith("--"))
            if image not in stages and image != "scratch":
                images.append(image)
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages.add(words[-1])
        elif keyword == "COPY":
            for word in words:
                source = word.removeprefix("--from=")
                if word.startswith("--from=") and source not in stages and ":" in source:
                    images.append(source)
    return images


def split_image(image: str) -> tuple[str, str]:
    """(repository, tag or digest); the tag is empty when there is none."""
    if "@" in image:
        repository, _, digest = image.partition("@")
        return repository, "@" + digest
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        repository, _, tag = image.rpartition(":")
        return repository, tag
    return image, ""
