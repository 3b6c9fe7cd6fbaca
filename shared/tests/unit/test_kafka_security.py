"""Kafka client security from the settings: PLAINTEXT by default, SASL when configured, no leaks."""

import logging

import pytest
from faststream.security import SASLScram256, SASLScram512
from pydantic import SecretStr, ValidationError

from shared.kafka import make_producer
from shared.kafka_security import KafkaSecurity
from shared.settings import ServiceSettings

SECRET = "s3cret-Kafka-pw"
DSN = "postgresql://svc:dbpw@127.0.0.1:5432/db"


def settings(**values: object) -> ServiceSettings:
    return ServiceSettings(service_name="inspection", database_url=DSN, **values)  # type: ignore[arg-type]


def test_default_is_plaintext_and_adds_no_client_options():
    security = settings().kafka_security
    assert security.protocol == "PLAINTEXT"
    assert not security.sasl
    assert security.client_options() == {}
    assert security.faststream() is None


def test_sasl_settings_become_aiokafka_and_faststream_options():
    s = settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="inspection",
        kafka_sasl_password=SECRET,
    )
    security = s.kafka_security
    assert security.client_options() == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "inspection",
        "sasl_plain_password": SECRET,
    }
    broker_security = security.faststream()
    assert isinstance(broker_security, SASLScram512)
    assert (broker_security.username, broker_security.password) == ("inspection", SECRET)
    assert not broker_security.use_ssl


def test_sasl_ssl_uses_a_verifying_tls_context_and_the_chosen_mechanism():
    security = KafkaSecurity(
        protocol="SASL_SSL", mechanism="SCRAM-SHA-256", username="u", password=SecretStr("p")
    )
    options = security.client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["ssl_context"].check_hostname
    broker_security = security.faststream()
    assert isinstance(broker_security, SASLScram256)
    assert broker_security.use_ssl


@pytest.mark.parametrize(
    "values",
    [
        {"kafka_security_protocol": "SASL_PLAINTEXT"},
        {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_username": "inspection"},
        {"kafka_sasl_username": "inspection", "kafka_sasl_password": SECRET},
        {"kafka_security_protocol": "SSL"},
        {"kafka_sasl_mechanism": "GSSAPI"},
    ],
)
def test_incomplete_or_contradictory_settings_are_refused_without_echoing_the_password(values):
    with pytest.raises(ValidationError) as caught:
        settings(**values)
    assert SECRET not in str(caught.value)
    assert "dbpw" not in str(caught.value)


def test_the_password_never_appears_in_repr_or_the_summary():
    s = settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="inspection",
        kafka_sasl_password=SECRET,
    )
    for text in (repr(s), str(s), repr(s.kafka_security), s.kafka_security.describe()):
        assert SECRET not in text
    assert s.kafka_security.describe() == "SASL_PLAINTEXT SCRAM-SHA-512 as inspection"


def test_settings_read_the_security_variables_from_the_environment(monkeypatch):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "views")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", SECRET)
    security = settings().kafka_security
    assert (security.protocol, security.username) == ("SASL_PLAINTEXT", "views")
    assert security.password.get_secret_value() == SECRET


async def test_the_producer_gets_the_credentials(caplog):
    caplog.set_level(logging.DEBUG)
    security = KafkaSecurity.sasl_scram("inspection", SECRET)
    producer = make_producer("127.0.0.1:1", client_id="t", security=security)
    client = producer.client
    assert (client._security_protocol, client._sasl_mechanism) == (
        "SASL_PLAINTEXT",
        "SCRAM-SHA-512",
    )
    assert client._sasl_plain_username == "inspection"
    assert SECRET not in caplog.text
