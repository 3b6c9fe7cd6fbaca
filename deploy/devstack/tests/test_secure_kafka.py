"""A broker in secure mode (SASL/SCRAM-SHA-512, the KRaft ACL authorizer, nothing allowed without
an ACL) with the platform's derived ACLs, checked with real clients: what the integrator and the
services may and may not do (issue 10, "Access"). One broker for the module.
"""

import asyncio
import logging
import secrets
import uuid

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    TopicAuthorizationFailedError,
)

from devstack import clients
from devstack.acls import (
    INTEGRATOR,
    SERVICES,
    Acl,
    Operation,
    Resource,
    platform_acls,
    provision_access,
    sync_acls,
)
from devstack.kafka import ADMIN_PRINCIPAL, BrokerSecurity, KafkaNode
from devstack.provision import ProvisionConfig, provision_acls, provision_all_topics
from devstack.topics import ProvisioningError, admin_client, provision_topics
from shared.events.topics import all_topics
from shared.kafka import make_producer
from shared.kafka_security import KafkaSecurity
from shared.pipeline import PipelineProbe

pytestmark = [pytest.mark.timeout(300)]

PUBLIC = "eldercare.institutions"
REFUSED_TO_INTEGRATOR = [
    "eldercare.wristbands",
    "eldercare.missing_cases",
    "notify.notifications",
    *(spec.name for spec in all_topics() if spec.is_dlq),
]


@pytest.fixture(scope="module")
def security():
    users = {name: secrets.token_urlsafe(18) for name in (ADMIN_PRINCIPAL, *SERVICES, INTEGRATOR)}
    return BrokerSecurity(users)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def broker(devstack_tmp, security):
    node = KafkaNode.on_free_ports(
        devstack_tmp / f"secure-{uuid.uuid4().hex[:6]}", security=security
    )
    node.start()
    try:
        await node.wait_ready(timeout=90)
        admin = node.client_options()
        await provision_topics(
            node.bootstrap, all_topics(), partitions=1, replication=1, client_options=admin
        )
        async with admin_client(node.bootstrap, admin) as client:
            await provision_access(client, bootstrap=node.bootstrap, users=security.others())
        yield node
    finally:
        node.stop()


def login(security: BrokerSecurity, user: str) -> KafkaSecurity:
    return KafkaSecurity.sasl_scram(user, security.users[user])


async def produce(node: KafkaNode, user: str, topic: str, *, idempotent: bool = False) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=node.bootstrap,
        enable_idempotence=idempotent,
        request_timeout_ms=10000,
        **node.client_options(user),
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"probe": true}', key=b"k")
    finally:
        await producer.stop()


async def read_one(node: KafkaNode, user: str, topic: str, group: str | None) -> bytes | None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=node.bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        request_timeout_ms=10000,
        **node.client_options(user),
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        if group is not None:
            await consumer.commit()
        return record.value
    finally:
        await consumer.stop()


async def test_the_integrator_reads_a_public_domain_topic_in_its_own_group(broker):
    await produce(broker, ADMIN_PRINCIPAL, PUBLIC)
    value = await read_one(broker, INTEGRATOR, PUBLIC, group="integrator.bureau-test.audit")
    assert value == b'{"probe": true}'


async def test_the_integrator_may_not_join_a_group_outside_its_prefix(broker):
    await produce(broker, ADMIN_PRINCIPAL, PUBLIC)
    with pytest.raises(GroupAuthorizationFailedError):
        await read_one(broker, INTEGRATOR, PUBLIC, group="views")


async def test_the_integrator_is_refused_writing_to_every_topic(broker):
    producer = AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap,
        request_timeout_ms=10000,
        **broker.client_options(INTEGRATOR),
    )
    await producer.start()
    refused = []
    try:
        for spec in all_topics():
            with pytest.raises(TopicAuthorizationFailedError):
                await producer.send_and_wait(spec.name, b"forged")
            refused.append(spec.name)
    finally:
        await producer.stop()
    assert len(refused) == len(all_topics())


@pytest.mark.parametrize("topic", REFUSED_TO_INTEGRATOR)
async def test_the_integrator_is_refused_reading_restricted_topics_dlqs_and_notify(broker, topic):
    await produce(broker, ADMIN_PRINCIPAL, topic)
    with pytest.raises(TopicAuthorizationFailedError):
        await read_one(broker, INTEGRATOR, topic, group=None)
    with pytest.raises(TopicAuthorizationFailedError):
        await read_one(broker, INTEGRATOR, topic, group="integrator.bureau-test.snoop")


async def test_a_service_writes_its_own_topics_with_the_relays_idempotent_producer(
    broker, security
):
    for user, topic in (("inspection", "inspection.hazards"), ("views", "views.dlq")):
        producer = make_producer(broker.bootstrap, client_id="t", security=login(security, user))
        await producer.start()
        try:
            sent = await producer.send_and_wait(topic, b"{}", key=b"k")
        finally:
            await producer.stop()
        assert sent.offset >= 0


@pytest.mark.parametrize(
    ("user", "topic"),
    [
        ("inspection", "eldercare.institutions"),
        ("eldercare", "inspection.hazards"),
        ("charity", "notify.notifications"),
        ("notify", "charity.funds"),
        ("views", "inspection.dlq"),
        ("inspection", "views.dlq"),
    ],
)
async def test_a_service_cannot_write_another_services_topic(broker, user, topic):
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(broker, user, topic)


async def test_a_service_reads_what_it_consumes_in_its_group_and_nothing_else(broker):
    await produce(broker, ADMIN_PRINCIPAL, "eldercare.elders")
    assert await read_one(broker, "charity", "eldercare.elders", group="charity")
    with pytest.raises(TopicAuthorizationFailedError):
        await read_one(broker, "charity", "eldercare.wristbands", group="charity")
    with pytest.raises(GroupAuthorizationFailedError):
        await read_one(broker, "charity", "eldercare.elders", group="views")


async def test_views_reads_restricted_topics_and_its_lag_probe_works(broker, security):
    await produce(broker, ADMIN_PRINCIPAL, "eldercare.wristbands")
    assert await read_one(broker, "views", "eldercare.wristbands", group=None)
    probe = PipelineProbe(broker.bootstrap, "views", login(security, "views"))
    try:
        lag = await probe.lag("views", ["eldercare.wristbands", "inspection.hazards"])
    finally:
        await probe.close()
    assert lag["eldercare.wristbands"] >= 1


@pytest.mark.parametrize("user", ["integrator", "nobody"])
async def test_a_wrong_password_or_unknown_user_is_refused(broker, user, caplog):
    caplog.set_level(logging.ERROR, logger="aiokafka")
    consumer = AIOKafkaConsumer(
        PUBLIC,
        bootstrap_servers=broker.bootstrap,
        group_id=None,
        **KafkaSecurity.sasl_scram(user, "not-the-password").client_options(),
    )
    try:
        with pytest.raises(KafkaConnectionError):
            await consumer.start()
    finally:
        await consumer.stop()
    assert "Authentication failed" in caplog.text


async def test_a_plaintext_client_gets_nothing(broker):
    consumer = AIOKafkaConsumer(
        PUBLIC, bootstrap_servers=broker.bootstrap, group_id=None, request_timeout_ms=5000
    )
    try:
        with pytest.raises(KafkaError):
            await asyncio.wait_for(consumer.start(), timeout=30)
    finally:
        await consumer.stop()


async def test_sync_acls_is_idempotent_and_removes_what_is_no_longer_derived(broker):
    stray = Acl(INTEGRATOR, Resource.TOPIC, "eldercare.wristbands", Operation.READ)
    async with admin_client(broker.bootstrap, broker.client_options()) as admin:
        again = await sync_acls(admin, platform_acls())
        assert (again.created, again.deleted) == ([], [])
        assert again.kept == len(platform_acls())
        response = await clients.send(admin, clients.create_acls_request([stray.wire()]))
        assert [code for code, _ in response.creation_responses] == [0]
        repaired = await sync_acls(admin, platform_acls())
    assert repaired.deleted == [stray.wire()]
    assert repaired.created == []
    with pytest.raises(TopicAuthorizationFailedError):
        await read_one(broker, INTEGRATOR, "eldercare.wristbands", group=None)


async def test_the_init_jobs_provision_sets_passwords_and_keeps_the_acls(broker, security):
    new_password = secrets.token_urlsafe(18)
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "KAFKA_TOPIC_PARTITIONS": "1",
        "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": ADMIN_PRINCIPAL,
        "KAFKA_SASL_PASSWORD": security.users[ADMIN_PRINCIPAL],
        "ELDERCARE_KAFKA_PASSWORD": new_password,  # a rotation: only eldercare's changes
    }
    cfg = ProvisionConfig.from_env(env)
    names, created = await provision_all_topics(cfg)
    assert (len(names), created) == (len(all_topics()), [])
    done = await provision_acls(cfg)
    assert done.startswith("1 SCRAM users set (eldercare); ACLs ready:")
    assert f"{len(platform_acls())} bindings, 0 created, 0 removed" in done
    assert "INSPECTION_KAFKA_PASSWORD" in done, "the ones not given are named"

    try:
        rotated = KafkaSecurity.sasl_scram("eldercare", new_password)
        producer = make_producer(broker.bootstrap, client_id="t", security=rotated)
        await producer.start()
        try:
            await producer.send_and_wait("eldercare.meals", b"{}", key=b"k")
        finally:
            await producer.stop()
        with pytest.raises(KafkaConnectionError):
            await produce(broker, "eldercare", "eldercare.meals")  # the old password is gone
    finally:  # the other tests of the module log in with the first password
        restore = {**env, "ELDERCARE_KAFKA_PASSWORD": security.users["eldercare"]}
        await provision_acls(ProvisionConfig.from_env(restore))

    as_views = {
        **env,
        "KAFKA_SASL_USERNAME": "views",
        "KAFKA_SASL_PASSWORD": security.users["views"],
    }
    with pytest.raises(ProvisioningError):
        await provision_acls(ProvisionConfig.from_env(as_views))
