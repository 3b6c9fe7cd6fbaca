"""The broker's ACLs are derived from ``shared.events.topics``; these tests hold that module to
what the services really do, so that an ACL can never lag behind a new handler or event.
"""

import pytest

from devstack.acls import SERVICES, Operation, service_acls
from devstack.docs import load_service
from shared.events.topics import CONSUMES, all_topics
from shared.service import consumed_topics
from views.domain.projections import PROJECTIONS


@pytest.fixture(scope="module")
def definitions():
    return {name: load_service(name) for name in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_consumes_lists_exactly_the_topics_each_service_subscribes_to(definitions, service):
    definition, _ = definitions[service]
    assert sorted(CONSUMES[service]) == consumed_topics(definition.handlers), (
        f"shared.events.topics.CONSUMES[{service!r}] differs from {service}'s handlers: "
        "update CONSUMES (the broker's ACLs are derived from it)"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_topic_a_service_publishes_to_is_one_its_acls_let_it_write(definitions, service):
    definition, settings = definitions[service]
    writable = {acl.name for acl in service_acls(service) if acl.operation is Operation.WRITE}
    published = {event.TOPIC for event in definition.publishes}
    assert published <= writable
    if definition.handlers:
        assert f"{settings.consumer_group}.dlq" in writable, "its consumer's DLQ"
        assert settings.consumer_group == service, "the group its ACL names"


def test_views_rebuilds_and_status_read_only_topics_views_may_read():
    read = set(CONSUMES["views"])
    assert {topic for projection in PROJECTIONS for topic in projection.topics} <= read


def test_every_producer_of_a_topic_is_a_service():
    assert {spec.producer for spec in all_topics()} <= set(SERVICES)
