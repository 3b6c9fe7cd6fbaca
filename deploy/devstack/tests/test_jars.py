import re

from devstack import kafka
from devstack.paths import KAFKA_DIR


def _pom_version() -> str:
    # Read independently of devstack's own parser, so a parsing bug cannot agree with itself.
    match = re.search(
        r"<kafka\.version>\s*([^<\s]+)\s*</kafka\.version>", (KAFKA_DIR / "pom.xml").read_text()
    )
    assert match, "pom.xml has no <kafka.version>"
    return match.group(1)


def test_kafka_version_is_read_from_the_pom():
    assert _pom_version() == kafka.KAFKA_VERSION
    major, minor = (int(part) for part in kafka.KAFKA_VERSION.split(".")[:2])
    assert (major, minor) >= (4, 1)


def test_fetched_jars_match_the_pom_version_only():
    jars = kafka.ensure_jars()
    version = _pom_version()
    names = {p.name for p in jars.glob("*.jar")}
    assert f"kafka_2.13-{version}.jar" in names
    assert f"kafka-clients-{version}.jar" in names
    assert f"kafka-server-{version}.jar" in names
    # Every Kafka artifact must be on the one version: a mixed wildcard classpath breaks at runtime.
    kafka_jars = {n for n in names if n.startswith("kafka")}
    assert all(n.endswith(f"-{version}.jar") for n in kafka_jars), sorted(kafka_jars)
    # Logging backend for SLF4J 1.x: without it the broker is silent.
    assert any(n.startswith("log4j-slf4j-impl-") for n in names)
    assert not any(n.startswith(("log4j-slf4j2-impl-", "slf4j-api-2.")) for n in names)
    assert not any(n.startswith("kafka-tools-") and "api" not in n for n in names), (
        "tools leaked in"
    )


def test_ensure_jars_again_is_a_no_op():
    jars = kafka.ensure_jars()
    stamp = jars / ".devstack-stamp"
    before = (stamp.stat().st_mtime_ns, sorted(p.name for p in jars.iterdir()))
    assert kafka.ensure_jars() == jars
    assert (stamp.stat().st_mtime_ns, sorted(p.name for p in jars.iterdir())) == before
    assert f"kafka {kafka.KAFKA_VERSION}" in stamp.read_text()


def test_kafka_uuid_has_kafkas_shape():
    ids = {kafka.kafka_uuid() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)
