"""The project's own rules on the compose files and Dockerfiles (linters check the rest).

Each rule returns a list of problems, empty when it holds; tests run every rule on the committed
files and on a deliberately broken copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tests.deploy.compose import (
    KAFKA_IMAGES,
    REPO,
    VERSION_TAG,
    base_images,
    dockerfile_instructions,
    documented_env_names,
    environment,
    example_env,
    final_stage,
    image_env,
    interpolate,
    is_secret_name,
    load,
    load_merged,
    operator_environments,
    read_env_file,
    references,
    resolved_environment,
    served_service,
    services,
    settings_class,
    split_image,
    strings,
)

# --- healthchecks --------------------------------------------------------------------------------


def _one_shot(name: str, all_services: Mapping[str, Mapping[str, Any]]) -> bool:
    """A job: never restarted, and every service that depends on it waits for its success."""
    if str(all_services[name].get("restart", "")) != "no":
        return False
    waits = [
        (spec.get("depends_on") or {}).get(name)
        for spec in all_services.values()
        if isinstance(spec.get("depends_on"), dict) and name in spec["depends_on"]
    ]
    return bool(waits) and all(
        (w or {}).get("condition") == "service_completed_successfully" for w in waits
    )


def missing_healthchecks(*compose_files: Path) -> list[str]:
    """Every long-running service has a healthcheck; only one-shot jobs may disable theirs."""
    all_services = services(load_merged(*compose_files))
    problems = []
    for name, spec in all_services.items():
        check = spec.get("healthcheck")
        if check and check.get("disable"):
            if not _one_shot(name, all_services):
                problems.append(f"{name}: healthcheck disabled, but it is not a one-shot job")
        elif not check or not check.get("test"):
            problems.append(f"{name}: no healthcheck")
    return problems


def unhealthy_dependencies(*compose_files: Path) -> list[str]:
    """``depends_on`` waits for health (or a job's success), never for a bare start."""
    all_services = services(load_merged(*compose_files))
    problems = []
    for name, spec in all_services.items():
        depends = spec.get("depends_on") or {}
        if isinstance(depends, list):
            problems.append(f"{name}: depends_on without conditions")
            continue
        for other, rule in depends.items():
            wanted = (
                "service_completed_successfully"
                if other in all_services and _one_shot(other, all_services)
                else "service_healthy"
            )
            if (rule or {}).get("condition") != wanted:
                problems.append(f"{name}: depends on {other} without condition {wanted}")
    return problems


# --- images --------------------------------------------------------------------------------------


def _unpinned(image: str) -> str | None:
    _, tag = split_image(interpolate(image, {}))
    if tag.startswith("@sha256:"):
        return None
    if not VERSION_TAG.match(tag):
        return f"{image} is not pinned to a version (tag {tag or 'none'!r})"
    return None


def unpinned_images(compose_files: Sequence[Path], dockerfiles: Sequence[Path]) -> list[str]:
    """Every image is pinned to a version: compose ``image:``, Dockerfile FROM and COPY --from."""
    problems = []
    for path in compose_files:
        for name, spec in services(load(path)).items():
            if "image" in spec and (why := _unpinned(str(spec["image"]))):
                problems.append(f"{path.name}: {name}: {why}")
    for path in dockerfiles:
        problems += [f"{path}: {why}" for image in base_images(path) if (why := _unpinned(image))]
    return problems


def kafka_version_mismatches(compose_files: Sequence[Path], version: str) -> list[str]:
    """Every Kafka container runs the version of the jars the local stack uses."""
    problems = []
    seen = 0
    for path in compose_files:
        for name, spec in services(load(path)).items():
            repository, tag = split_image(interpolate(str(spec.get("image", "")), {}))
            if repository in KAFKA_IMAGES:
                seen += 1
                if tag != version:
                    problems.append(
                        f"{path.name}: {name} runs {repository}:{tag}, jars are {version}"
                    )
    if not seen:
        problems.append("no apache/kafka service at all")
    return problems


# --- environment ---------------------------------------------------------------------------------


def _mentioned(name: str, texts: Iterable[str]) -> bool:
    pattern = re.compile(rf"(?<![A-Z0-9_]){name}(?![A-Z0-9_])")
    return any(pattern.search(text) for text in texts)


def unset_settings(compose_file: Path, dockerfile: Path, docs: Sequence[Path]) -> list[str]:
    """Every variable a service reads is set (compose or image ENV) or documented with a default.

    Also: every variable compose sets for a service is one that it reads (no typo goes unseen).
    """
    problems = []
    baked = image_env(dockerfile)
    for name, spec in services(load(compose_file)).items():
        package = served_service(spec)
        if package is None:
            continue
        fields = settings_class(package).model_fields
        readme = REPO / "services" / package / "README.md"
        texts = [p.read_text(encoding="utf-8") for p in [*docs, readme] if p.is_file()]
        given = set(environment(spec)) | set(baked)
        for field_name, field in fields.items():
            variable = field_name.upper()
            required = field.is_required()
            if variable in given:
                continue
            if required:
                problems.append(f"{name}: {variable} is required and compose does not set it")
            elif not _mentioned(variable, texts):
                problems.append(f"{name}: {variable} is neither set nor documented")
        read = {f.upper() for f in fields}
        problems += [
            f"{name}: sets {v}, which {package} never reads"
            for v in sorted(set(environment(spec)) - read)
        ]
    return problems


def invalid_settings(compose_file: Path, env_file: Path, dockerfile: Path) -> list[str]:
    """Each service's settings, built from what its container gets, validate."""
    problems: list[str] = []
    for env in operator_environments(env_file, (compose_file,)):
        for name, spec in services(load(compose_file)).items():
            package = served_service(spec)
            if package is None:
                continue
            values = {**image_env(dockerfile), **resolved_environment(spec, env)}
            cls = settings_class(package)
            known = {k.lower(): v for k, v in values.items() if k.lower() in cls.model_fields}
            try:
                cls(**known)
            except ValidationError as exc:
                problem = f"{name}: {exc.error_count()} invalid settings: {exc}"
                problems += [problem] if problem not in problems else []
    return problems


_DSN_PASSWORD = re.compile(r"^[a-z+]+://[^:/@]+:(?P<password>[^@]*)@")
# password="..." and user_<name>="..." of a JAAS configuration string.
_JAAS_PASSWORD = re.compile(r'\b(?:password|user_\w+)="([^"]*)"')


def _hard_coded(value: str) -> bool:
    """True unless the secret part of ``value`` is one required ``${VAR:?...}``."""
    dsn = _DSN_PASSWORD.match(value)
    secret = dsn["password"] if dsn else value
    refs = references(secret)
    return not (
        len(refs) == 1
        and refs[0].required
        and secret.startswith("${")
        and secret.endswith("}")
        and secret.count("${") == 1
    )


def hard_coded_secrets(compose_files: Sequence[Path], env_file: Path) -> list[str]:
    """Secrets come from .env as required variables (``${VAR:?...}``) or are passed through.

    A DSN's password counts as a secret; ``.env.example`` leaves every secret empty.
    """
    problems = []
    for path in compose_files:
        for name, spec in services(load(path)).items():
            for variable, value in environment(spec).items():
                if value is None:
                    continue  # passed through from the operator's environment, never written here
                is_dsn = bool(_DSN_PASSWORD.match(value))
                if (is_secret_name(variable) or is_dsn) and _hard_coded(value):
                    problems.append(f"{path.name}: {name}: {variable} is not a required ${{VAR:?}}")
                # A JAAS login (broker SASL settings): each password in it is a secret of its own.
                problems += [
                    f"{path.name}: {name}: {variable} holds a password not a required ${{VAR:?}}"
                    for secret in _JAAS_PASSWORD.findall(value)
                    if _hard_coded(secret)
                ][:1]
    for variable, value in read_env_file(env_file).items():
        if is_secret_name(variable) and value:
            problems.append(f"{env_file.name}: {variable} has a value; secrets stay empty there")
    return problems


def undocumented_variables(compose_files: Sequence[Path], env_file: Path) -> list[str]:
    """Every variable the compose files interpolate is listed in ``.env.example``."""
    documented = documented_env_names(env_file)
    problems = []
    for path in compose_files:
        names = {ref.name for text in strings(load(path)) for ref in references(text)}
        problems += [
            f"{path.name}: ${{{n}}} is not in {env_file.name}" for n in sorted(names - documented)
        ]
    return problems


# --- Dockerfiles ---------------------------------------------------------------------------------


def dockerfile_problems(dockerfile: Path) -> list[str]:
    """The final stage runs as a numeric non-root user and declares a HEALTHCHECK."""
    stage = final_stage(dockerfile)
    users = [arguments for keyword, arguments in stage if keyword == "USER"]
    problems = []
    if not users:
        problems.append(f"{dockerfile}: the image runs as root (no USER)")
    elif not re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1]):
        problems.append(f"{dockerfile}: USER {users[-1]} is not a numeric non-root uid[:gid]")
    if not any(keyword == "HEALTHCHECK" for keyword, _ in stage):
        problems.append(f"{dockerfile}: no HEALTHCHECK")
    return problems


def uv_version_drift(dockerfile: Path, install_script: Path) -> list[str]:
    """The image builds with the uv that deploy/install.sh installs."""
    wanted = re.search(r"^UV_VERSION=(\S+)", install_script.read_text(encoding="utf-8"), re.M)
    used = [
        split_image(image)[1]
        for image in base_images(dockerfile)
        if split_image(image)[0].endswith("astral-sh/uv")
    ]
    if wanted is None or not used:
        return [f"uv version not found (install.sh {wanted}, Dockerfile {used})"]
    return [f"Dockerfile uses uv {v}, install.sh {wanted[1]}" for v in used if v != wanted[1]]


def missing_build_inputs(compose_file: Path, project_dir: Path = REPO) -> list[str]:
    """Every Dockerfile and bind-mounted file a compose file names exists in the repository."""
    base = project_dir
    problems = []
    for name, spec in services(load(compose_file)).items():
        build = spec.get("build")
        if isinstance(build, dict):
            dockerfile = base / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
            if not dockerfile.is_file():
                problems.append(f"{name}: no Dockerfile {dockerfile}")
        for volume in spec.get("volumes") or []:
            source = str(volume).split(":", 1)[0]
            if source.startswith(".") and not (base / source).exists():
                problems.append(f"{name}: mounts {source}, which does not exist")
    return problems


def copies_outside_context(dockerfile: Path, dockerignore: Path) -> list[str]:
    """What the service Dockerfile COPYs from the context is let in by .dockerignore."""
    allowed = [
        line.removeprefix("!").rstrip("/")
        for line in dockerignore.read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    ]

    def let_in(source: str) -> bool:
        # inside an allowed path, or an allowed path (pattern) lies inside it
        return any(
            fnmatch(source, a) or source.startswith(a + "/") or a.startswith(source + "/")
            for a in allowed
        )

    problems = []
    for keyword, arguments in dockerfile_instructions(dockerfile):
        words = [w for w in arguments.split() if not w.startswith("--")]
        if keyword != "COPY" or "--from=" in arguments or len(words) < 2:
            continue
        problems += [
            f"COPY {source}: excluded from the build context by .dockerignore"
            for source in words[:-1]
            if not let_in(source)
        ]
    return problems


# --- Kafka cluster (one broker, or three with the override) --------------------------------------


def _listener_port(listeners: str, name: str) -> str:
    match = re.search(rf"(?:^|,){name}://[^:,]*:(\d+)", listeners)
    return match.group(1) if match else "?"


def _internal(node: Mapping[str, str]) -> str:
    return node.get("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT")


def _broker_problems(
    nodes: Mapping[str, Mapping[str, str]], hosts: Mapping[str, str], replication: int
) -> list[str]:
    min_isr = "2" if replication >= 3 else "1"
    wanted = {
        "KAFKA_DEFAULT_REPLICATION_FACTOR": str(replication),
        "KAFKA_MIN_INSYNC_REPLICAS": min_isr,
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": str(replication),
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": str(replication),
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": min_isr,
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": str(replication),
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": min_isr,
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
    }
    defaults = {"KAFKA_DEFAULT_REPLICATION_FACTOR": "1", "KAFKA_MIN_INSYNC_REPLICAS": "1"}
    ids = {name: env.get("KAFKA_NODE_ID", "?") for name, env in nodes.items()}
    problems = []
    if len(set(ids.values())) != len(nodes):
        problems.append(f"node ids are not unique: {ids}")
    clusters = {env.get("CLUSTER_ID") for env in nodes.values()}
    if len(clusters) != 1:
        problems.append(f"the nodes disagree on CLUSTER_ID: {clusters}")
    for name, env in nodes.items():
        port = _listener_port(env.get("KAFKA_LISTENERS", ""), "CONTROLLER")
        voters = {f"{ids[n]}@{hosts[n]}:{port}" for n in nodes}
        if set(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS", "").split(",")) != voters:
            problems.append(f"{name}: quorum voters are not {sorted(voters)}")
        problems += [
            f"{name}: {key} is {env.get(key, defaults.get(key))}, not {value}"
            for key, value in wanted.items()
            if env.get(key, defaults.get(key)) != value
        ]
    return problems


def _client_problems(
    all_services: Mapping[str, Mapping[str, Any]],
    brokers: set[str],
    env: Mapping[str, str],
) -> list[str]:
    problems = []
    for name, spec in all_services.items():
        bootstrap = resolved_environment(spec, env).get("KAFKA_BOOTSTRAP_SERVERS")
        if bootstrap is None:
            continue
        if set(bootstrap.split(",")) != brokers:
            problems.append(f"{name}: bootstrap {bootstrap} is not every broker {sorted(brokers)}")
        depends = spec.get("depends_on") or {}
        missing = {b.split(":")[0] for b in brokers} - {
            d for d, rule in depends.items() if (rule or {}).get("condition") == "service_healthy"
        }
        if missing:
            problems.append(f"{name}: does not wait for healthy {sorted(missing)}")
    return problems


def kafka_cluster_problems(
    compose_files: Sequence[Path], env_file: Path, brokers: int
) -> list[str]:
    """The brokers form one KRaft quorum with replication ``min(brokers, 3)`` everywhere.

    Three brokers: replication factor 3 and min.insync.replicas 2 for the brokers' defaults, the
    internal topics and the topics the init job provisions; every client lists every broker.
    """
    from devstack.provision import ProvisionConfig

    env = example_env(env_file)
    all_services = services(load_merged(*compose_files))
    nodes = {
        name: {k: interpolate(v, env) for k, v in environment(spec).items() if v is not None}
        for name, spec in all_services.items()
        if split_image(interpolate(str(spec.get("image", "")), env))[0] in KAFKA_IMAGES
    }
    if len(nodes) != brokers:
        return [f"{len(nodes)} Kafka nodes, not {brokers}"]
    replication = min(brokers, 3)
    hosts = {name: str(all_services[name].get("hostname", name)) for name in nodes}
    problems = _broker_problems(nodes, hosts, replication)
    # Clients use the listener the brokers talk to each other on.
    internal = {
        f"{hosts[name]}:{_listener_port(node.get('KAFKA_LISTENERS', ''), _internal(node))}"
        for name, node in nodes.items()
    }
    problems += _client_problems(all_services, internal, env)
    provision = ProvisionConfig.from_env(resolved_environment(all_services["init"], env))
    if provision.replication != replication:
        problems.append(f"init provisions topics with {provision.replication} replicas")
    if (provision.min_insync or 1) != (2 if replication >= 3 else 1):
        problems.append(f"init provisions min.insync.replicas {provision.min_insync}")
    return problems


# --- the init job and telemetry ------------------------------------------------------------------


def init_job_problems(compose_file: Path, env_file: Path) -> list[str]:
    """The init job migrates every service, with the very DSN, broker and prefix it runs with."""
    problems: list[str] = []
    for env in operator_environments(env_file, (compose_file,)):
        problems += [p for p in _init_problems(compose_file, env) if p not in problems]
    return problems


def _init_problems(compose_file: Path, env: Mapping[str, str]) -> list[str]:
    from devstack.provision import SERVICES as MIGRATED, ProvisionConfig

    all_services = services(load(compose_file))
    init = resolved_environment(all_services["init"], env)
    config = ProvisionConfig.from_env(init)
    problems = [f"init does not migrate {s}" for s in MIGRATED if s not in config.databases]
    for name, spec in all_services.items():
        package = served_service(spec)
        if package is None:
            continue
        runs = resolved_environment(spec, env)
        if runs.get("DATABASE_URL") != config.databases.get(package):
            problems.append(f"{name}: DATABASE_URL differs from the one init migrates")
        for key in ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC_PREFIX"):
            if runs.get(key, "") != init.get(key, ""):
                problems.append(f"{name}: {key} differs from init's")
    return problems


def _components(config: Mapping[str, Any], kind: str) -> set[str]:
    return set((config.get(kind) or {}).keys())


def telemetry_problems(compose_file: Path, collector_config: Path, env_file: Path) -> list[str]:
    """Services export OTLP/HTTP to the collector, whose pipeline is complete and ends in Jaeger."""
    all_services = services(load(compose_file))
    config = load(collector_config)
    problems: list[str] = []
    pipelines = ((config.get("service") or {}).get("pipelines") or {}).items()
    for pipeline, parts in pipelines:
        for kind in ("receivers", "processors", "exporters"):
            problems += [
                f"pipeline {pipeline}: {kind[:-1]} {c} is not defined"
                for c in parts.get(kind) or []
                if c not in _components(config, kind)
            ]
    http = (((config.get("receivers") or {}).get("otlp") or {}).get("protocols") or {}).get("http")
    http_port = str((http or {}).get("endpoint", "")).rsplit(":", 1)[-1]
    for env in operator_environments(env_file, (compose_file,)):
        for problem in _exporter_problems(all_services, env, http_port):
            problems += [problem] if problem not in problems else []
    for exporter, settings in (config.get("exporters") or {}).items():
        target = str((settings or {}).get("endpoint", ""))
        if exporter.split("/")[0] == "otlp" and target.split(":")[0] not in all_services:
            problems.append(f"exporter {exporter}: {target} is no compose service")
    return problems


def _exporter_problems(
    all_services: Mapping[str, Mapping[str, Any]], env: Mapping[str, str], http_port: str
) -> list[str]:
    problems = []
    for name, spec in all_services.items():
        if served_service(spec) is None:
            continue
        endpoint = resolved_environment(spec, env).get("OTEL_EXPORTER_OTLP_ENDPOINT")
        match = re.fullmatch(r"http://([\w.-]+):(\d+)/?", endpoint or "")
        if not match or match[1] not in all_services or match[2] != http_port:
            problems.append(f"{name}: {endpoint!r} is not the collector's OTLP/HTTP receiver")
    return problems


# --- Kafka security (the three-broker override) --------------------------------------------------

STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"


def _kafka_nodes(
    all_services: Mapping[str, Mapping[str, Any]], env: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    return {
        name: resolved_environment(spec, env)
        for name, spec in all_services.items()
        if split_image(interpolate(str(spec.get("image", "")), env))[0] in KAFKA_IMAGES
    }


def _node_security_problems(name: str, node: Mapping[str, str]) -> list[str]:
    problems = []
    protocols = dict(
        item.split(":", 1)
        for item in node.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").split(",")
    )
    listeners = re.findall(r"(?:^|,)(\w+)://", node.get("KAFKA_LISTENERS", ""))
    problems += [
        f"{name}: listener {listener} is {protocols.get(listener, 'PLAINTEXT')}, not SASL"
        for listener in listeners
        if not protocols.get(listener, "PLAINTEXT").startswith("SASL_")
    ]
    wanted = {
        "KAFKA_AUTHORIZER_CLASS_NAME": STANDARD_AUTHORIZER,
        "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND": "false",
        "KAFKA_SUPER_USERS": "User:admin",
        "KAFKA_SASL_ENABLED_MECHANISMS": "SCRAM-SHA-512",
        "KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL": "SCRAM-SHA-512",
    }
    problems += [
        f"{name}: {key} is {node.get(key)}, not {value}"
        for key, value in wanted.items()
        if node.get(key) != value
    ]
    return problems


def kafka_security_problems(compose_files: Sequence[Path], env_file: Path) -> list[str]:
    """Brokers: SASL everywhere, ACLs deny by default, admin the only super user. Each service
    logs in as itself with its own password; init logs in as the admin and sets every password.
    """
    from devstack.provision import KAFKA_PRINCIPALS, ProvisionConfig

    env = example_env(env_file)
    all_services = services(load_merged(*compose_files))
    problems: list[str] = []
    for name, node in _kafka_nodes(all_services, env).items():
        problems += _node_security_problems(name, node)
    passwords: dict[str, str] = {}
    for name, spec in all_services.items():
        package = served_service(spec)
        if package is None:
            continue
        runs = resolved_environment(spec, env)
        if not runs.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").startswith("SASL_"):
            problems.append(f"{name}: its Kafka clients do not log in (KAFKA_SECURITY_PROTOCOL)")
        if runs.get("KAFKA_SASL_USERNAME") != package:
            problems.append(f"{name}: logs in as {runs.get('KAFKA_SASL_USERNAME')}, not {package}")
        password = str(environment(spec).get("KAFKA_SASL_PASSWORD"))
        expected = f"{package.upper()}_KAFKA_PASSWORD"
        if [ref.name for ref in references(password)] != [expected]:
            problems.append(f"{name}: KAFKA_SASL_PASSWORD is not its own ${{{expected}}}")
        passwords[package] = runs.get("KAFKA_SASL_PASSWORD", "")
    init = ProvisionConfig.from_env(resolved_environment(all_services["init"], env))
    if init.security.username != "admin":
        problems.append(f"init logs in as {init.security.username or 'nobody'}, not admin")
    problems += [
        f"init does not set the password of {p}"
        for p in KAFKA_PRINCIPALS
        if p not in init.kafka_passwords
    ]
    problems += [
        f"init sets another password for {p} than the one it runs with"
        for p, pw in passwords.items()
        if init.kafka_passwords.get(p) != pw
    ]
    return problems
