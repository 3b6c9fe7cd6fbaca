"""The project's rules on docker-compose.yml, the 3-broker override and the Dockerfiles.

Every rule holds on the committed files, and reports a deliberately broken copy written to
tmp_path (so no rule can pass by looking at nothing). Rules: tests/deploy/rules.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devstack.kafka import KAFKA_VERSION
from tests.deploy import rules
from tests.deploy.compose import (
    COMPOSE,
    COMPOSE_FILES,
    DOCKERFILES,
    ENV_EXAMPLE,
    KAFKA_3,
    OPERATIONS_DOC,
    OTEL_DOCKERFILE,
    REPO,
    SERVICE_DOCKERFILE,
    MissingVariableError,
    example_env,
    interpolate,
    load,
    references,
    strings,
)

DOCS = (OPERATIONS_DOC, REPO / "shared" / "README.md")
COLLECTOR_CONFIG = REPO / "deploy" / "otel" / "collector.yaml"
INSTALL_SCRIPT = REPO / "deploy" / "install.sh"
DOCKERIGNORE = REPO / ".dockerignore"


def broken(tmp_path: Path, original: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of ``original`` in tmp_path with ``old`` replaced by ``new``."""
    text = original.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {original.name}: update the test"
    copy = tmp_path / original.name
    copy.write_text(text.replace(old, new, count), encoding="utf-8")
    return copy


# --- healthchecks and dependencies ---------------------------------------------------------------


def test_every_container_has_a_healthcheck_and_only_the_init_job_disables_it():
    assert rules.missing_healthchecks(COMPOSE) == []
    assert rules.missing_healthchecks(COMPOSE, KAFKA_3) == []


def test_a_service_without_healthcheck_is_reported(tmp_path):
    copy = broken(
        tmp_path,
        COMPOSE,
        '    healthcheck:\n      test: ["CMD", "wget", "-q", "-O", "/dev/null", '
        '"http://127.0.0.1:16686/"]\n',
        "    labels:\n      test: jaeger\n",
    )
    assert rules.missing_healthchecks(copy) == ["jaeger: no healthcheck"]


def test_a_disabled_healthcheck_on_a_long_running_service_is_reported(tmp_path):
    copy = broken(tmp_path, COMPOSE, '    restart: "no"\n', "")
    assert rules.missing_healthchecks(copy) == [
        "init: healthcheck disabled, but it is not a one-shot job"
    ]


def test_depends_on_waits_for_health_or_the_jobs_success():
    assert rules.unhealthy_dependencies(COMPOSE) == []
    assert rules.unhealthy_dependencies(COMPOSE, KAFKA_3) == []


def test_a_dependency_on_a_bare_start_is_reported(tmp_path):
    copy = broken(
        tmp_path,
        COMPOSE,
        "      jaeger:\n        condition: service_healthy",
        "      jaeger:\n        condition: service_started",
    )
    assert rules.unhealthy_dependencies(copy) == [
        "otel-collector: depends on jaeger without condition service_healthy"
    ]


# --- images --------------------------------------------------------------------------------------


def test_every_image_is_pinned_to_a_version():
    assert rules.unpinned_images(COMPOSE_FILES, DOCKERFILES) == []


@pytest.mark.parametrize(
    ("original", "old", "new"),
    [
        (COMPOSE, "jaegertracing/jaeger:2.14.1", "jaegertracing/jaeger:latest"),
        (COMPOSE, "jaegertracing/jaeger:2.14.1", "jaegertracing/jaeger"),
        (COMPOSE, "minzheng/services:${IMAGE_TAG:-0.1.0}", "minzheng/services:${IMAGE_TAG:-dev}"),
        (OTEL_DOCKERFILE, "FROM busybox:1.37.0", "FROM busybox:musl"),
        (SERVICE_DOCKERFILE, "ghcr.io/astral-sh/uv:0.13.8", "ghcr.io/astral-sh/uv:latest"),
    ],
    ids=["latest", "no tag", "dev tag by default", "FROM a moving tag", "COPY --from latest"],
)
def test_an_unpinned_image_is_reported(tmp_path, original, old, new):
    copy = broken(tmp_path, original, old, new)
    compose_files = [copy if p == original else p for p in COMPOSE_FILES]
    dockerfiles = [copy if p == original else p for p in DOCKERFILES]

    problems = rules.unpinned_images(compose_files, dockerfiles)

    assert problems
    assert all(new.split()[-1] in p and "is not pinned to a version" in p for p in problems)


def test_the_kafka_image_is_the_version_of_the_local_stacks_jars():
    pom = (REPO / "deploy" / "kafka" / "pom.xml").read_text(encoding="utf-8")
    assert re.search(rf"<kafka.version>{re.escape(KAFKA_VERSION)}</kafka.version>", pom)
    assert rules.kafka_version_mismatches(COMPOSE_FILES, KAFKA_VERSION) == []


def test_a_kafka_image_of_another_version_is_reported(tmp_path):
    copy = broken(tmp_path, KAFKA_3, f"apache/kafka:{KAFKA_VERSION}", "apache/kafka:4.0.0")

    problems = rules.kafka_version_mismatches([COMPOSE, copy], KAFKA_VERSION)

    assert problems == [
        f"kafka-3.yml: {node} runs apache/kafka:4.0.0, jars are {KAFKA_VERSION}"
        for node in ("kafka", "kafka-2", "kafka-3")
    ]


# --- environment and secrets ---------------------------------------------------------------------


def test_every_variable_a_service_reads_is_set_or_documented_and_every_one_set_is_read():
    assert rules.unset_settings(COMPOSE, SERVICE_DOCKERFILE, DOCS) == []


def test_a_missing_required_variable_a_typo_and_an_undocumented_one_are_reported(tmp_path):
    copy = broken(
        tmp_path,
        COMPOSE,
        "      DATABASE_URL: postgresql://views:",
        "      DATABASE_URI: postgresql://views:",
    )
    docs = tmp_path / "operations.md"
    docs.write_text(
        OPERATIONS_DOC.read_text(encoding="utf-8").replace("`RELAY_BATCH_SIZE`", "`RELAY_BATCH`"),
        encoding="utf-8",
    )

    problems = rules.unset_settings(copy, SERVICE_DOCKERFILE, [docs, DOCS[1]])

    assert "views: DATABASE_URL is required and compose does not set it" in problems
    assert "views: sets DATABASE_URI, which views never reads" in problems
    assert "inspection: RELAY_BATCH_SIZE is neither set nor documented" in problems


def test_each_services_settings_validate_with_what_its_container_gets():
    assert rules.invalid_settings(COMPOSE, ENV_EXAMPLE, SERVICE_DOCKERFILE) == []


def test_a_setting_of_the_wrong_type_is_reported(tmp_path):
    copy = broken(tmp_path, COMPOSE, "      HTTP_PORT: 8105\n", "      HTTP_PORT: eighty\n")

    problems = rules.invalid_settings(copy, ENV_EXAMPLE, SERVICE_DOCKERFILE)

    assert len(problems) == 1
    assert problems[0].startswith("views: 1 invalid settings")


def test_no_secret_is_written_in_the_compose_files_or_the_env_template():
    assert rules.hard_coded_secrets(COMPOSE_FILES, ENV_EXAMPLE) == []


@pytest.mark.parametrize(
    ("original", "old", "new", "problem"),
    [
        (COMPOSE, "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "changeme",
         "docker-compose.yml: postgres: POSTGRES_PASSWORD is not a required ${VAR:?}"),
        (COMPOSE, "${NOTIFY_VAULT_KEY:?set NOTIFY_VAULT_KEY in .env}",
         "${NOTIFY_VAULT_KEY:-c2VjcmV0}",
         "docker-compose.yml: notify: VAULT_KEY is not a required ${VAR:?}"),
        (COMPOSE, "postgresql://views:${VIEWS_DB_PASSWORD:?set VIEWS_DB_PASSWORD in .env}@",
         "postgresql://views:hunter2@",
         "docker-compose.yml: init: VIEWS_DATABASE_URL is not a required ${VAR:?}"),
        (ENV_EXAMPLE, "CHARITY_PII_PEPPER=\n", "CHARITY_PII_PEPPER=pepper-in-git\n",
         ".env.example: CHARITY_PII_PEPPER has a value; secrets stay empty there"),
    ],
    ids=["literal password", "secret with a default", "password inside a DSN", "template value"],
)  # fmt: skip
def test_a_hard_coded_secret_is_reported(tmp_path, original, old, new, problem):
    copy = broken(tmp_path, original, old, new)
    compose_files = [copy if p == original else p for p in COMPOSE_FILES]
    env_file = copy if original == ENV_EXAMPLE else ENV_EXAMPLE

    assert rules.hard_coded_secrets(compose_files, env_file) == [problem]


def test_compose_refuses_to_start_without_any_required_variable():
    texts = [text for path in COMPOSE_FILES for text in strings(load(path))]
    required = sorted({ref.name for text in texts for ref in references(text) if ref.required})
    assert "POSTGRES_PASSWORD" in required
    assert "ELDERCARE_VAULT_KEY" in required
    env = example_env()
    whole = "\n".join(texts)
    for name in required:
        without = {k: v for k, v in env.items() if k != name}
        with pytest.raises(MissingVariableError) as refused:
            interpolate(whole, without)
        assert refused.value.name == name


def test_every_variable_the_compose_files_use_is_in_the_env_template():
    assert rules.undocumented_variables(COMPOSE_FILES, ENV_EXAMPLE) == []


def test_a_variable_missing_from_the_env_template_is_reported(tmp_path):
    copy = broken(tmp_path, ENV_EXAMPLE, "JAEGER_UI_PORT=16686\n", "")

    problems = rules.undocumented_variables(COMPOSE_FILES, copy)

    assert problems == ["docker-compose.yml: ${JAEGER_UI_PORT} is not in .env.example"]


# --- the init job, telemetry, Kafka --------------------------------------------------------------


def test_the_init_job_migrates_every_service_with_the_dsn_it_runs_with():
    assert rules.init_job_problems(COMPOSE, ENV_EXAMPLE) == []


def test_a_service_the_init_job_does_not_migrate_is_reported(tmp_path):
    copy = broken(tmp_path, COMPOSE, "      NOTIFY_DATABASE_URL:", "      NOTIFY_DB_URL:")

    problems = rules.init_job_problems(copy, ENV_EXAMPLE)

    assert problems == [
        "init does not migrate notify",
        "notify: DATABASE_URL differs from the one init migrates",
    ]


def test_services_export_traces_to_the_collector_which_exports_to_jaeger():
    assert rules.telemetry_problems(COMPOSE, COLLECTOR_CONFIG, ENV_EXAMPLE) == []


def test_a_broken_trace_path_is_reported(tmp_path):
    compose = broken(
        tmp_path,
        COMPOSE,
        "${OTEL_EXPORTER_OTLP_ENDPOINT:-http://otel-collector:4318}",
        "${OTEL_EXPORTER_OTLP_ENDPOINT:-http://otel-collector:4317}",
    )
    config = broken(
        tmp_path, COLLECTOR_CONFIG, "exporters: [otlp/jaeger, debug]", "exporters: [otlp/tempo]"
    )

    problems = rules.telemetry_problems(compose, config, ENV_EXAMPLE)

    assert "pipeline traces: exporter otlp/tempo is not defined" in problems
    assert (
        "views: 'http://otel-collector:4317' is not the collector's OTLP/HTTP receiver" in problems
    )


def test_one_broker_by_default_three_with_replication_3_and_min_insync_2_in_the_override():
    assert rules.kafka_cluster_problems([COMPOSE], ENV_EXAMPLE, brokers=1) == []
    assert rules.kafka_cluster_problems(COMPOSE_FILES, ENV_EXAMPLE, brokers=3) == []


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("  KAFKA_MIN_INSYNC_REPLICAS: 2\n", "  KAFKA_MIN_INSYNC_REPLICAS: 1\n",
         "kafka: KAFKA_MIN_INSYNC_REPLICAS is 1, not 2"),
        ("1@kafka:29093,2@kafka-2:29093,3@kafka-3:29093", "1@kafka:29093,2@kafka-2:29093",
         "kafka: quorum voters are not ['1@kafka:29093', '2@kafka-2:29093', '3@kafka-3:29093']"),
        ("      KAFKA_REPLICATION_FACTOR: 3\n", "", "init provisions topics with 1 replicas"),
        ("  KAFKA_BOOTSTRAP_SERVERS: kafka:19092,kafka-2:19092,kafka-3:19092",
         "  KAFKA_BOOTSTRAP_SERVERS: kafka:19092",
         "views: bootstrap kafka:19092 is not every broker "
         "['kafka-2:19092', 'kafka-3:19092', 'kafka:19092']"),
    ],
    ids=["min ISR 1", "a voter missing", "topics with 1 replica", "one bootstrap broker"],
)  # fmt: skip
def test_a_weaker_three_broker_cluster_is_reported(tmp_path, old, new, problem):
    copy = broken(tmp_path, KAFKA_3, old, new)

    problems = rules.kafka_cluster_problems([COMPOSE, copy], ENV_EXAMPLE, brokers=3)

    assert problem in problems


# --- Dockerfiles and what compose builds ---------------------------------------------------------


def test_images_run_as_a_numeric_non_root_user_and_check_their_health():
    for dockerfile in DOCKERFILES:
        assert rules.dockerfile_problems(dockerfile) == []


def test_an_image_running_as_root_or_without_healthcheck_is_reported(tmp_path):
    copy = broken(tmp_path, SERVICE_DOCKERFILE, "USER 10001:10001\n", "")
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("HEALTHCHECK", "# no health check: ", 1), encoding="utf-8")

    assert rules.dockerfile_problems(copy) == [
        f"{copy}: the image runs as root (no USER)",
        f"{copy}: no HEALTHCHECK",
    ]


def test_the_image_builds_with_the_uv_version_install_sh_installs(tmp_path):
    assert rules.uv_version_drift(SERVICE_DOCKERFILE, INSTALL_SCRIPT) == []
    copy = broken(tmp_path, SERVICE_DOCKERFILE, "astral-sh/uv:0.13.8", "astral-sh/uv:0.13.7")
    assert rules.uv_version_drift(copy, INSTALL_SCRIPT) == [
        "Dockerfile uses uv 0.13.7, install.sh 0.13.8"
    ]


def test_what_compose_builds_and_mounts_exists_and_the_build_context_lets_it_in(tmp_path):
    assert rules.missing_build_inputs(COMPOSE) == []
    assert rules.missing_build_inputs(KAFKA_3) == []
    assert rules.copies_outside_context(SERVICE_DOCKERFILE, DOCKERIGNORE) == []

    compose = broken(tmp_path, COMPOSE, "./deploy/otel/collector.yaml", "./deploy/otel/otel.yaml")
    ignore = broken(tmp_path, DOCKERIGNORE, "!shared/\n", "")

    assert rules.missing_build_inputs(compose) == [
        "otel-collector: mounts ./deploy/otel/otel.yaml, which does not exist"
    ]
    assert rules.copies_outside_context(SERVICE_DOCKERFILE, ignore) == [
        "COPY shared: excluded from the build context by .dockerignore"
    ]
