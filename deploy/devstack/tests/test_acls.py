"""The derived ACL set follows the rules of issue 9 (no broker needed)."""

import pytest

from devstack import provision, stack
from devstack.acls import (
    CLUSTER_RESOURCE,
    INTEGRATOR,
    SERVICES,
    Acl,
    Operation,
    Pattern,
    Resource,
    integrator_acls,
    platform_acls,
    principals,
    service_acls,
)
from devstack.kafka import BrokerSecurity
from shared.events.topics import CONSUMES, DOMAIN_TOPICS, RESTRICTED, all_topics, dlq_topic

ACLS = platform_acls()
TOPICS = {spec.name: spec for spec in all_topics()}


def grants(principal: str, operation: Operation, resource: Resource = Resource.TOPIC) -> set[str]:
    return {
        acl.name
        for acl in ACLS
        if acl.principal == principal and acl.operation is operation and acl.resource is resource
    }


def test_the_principals_are_the_services_and_the_integrator():
    assert SERVICES == stack.SERVICES == provision.SERVICES
    assert principals() == (*stack.SERVICES, INTEGRATOR)
    assert {acl.principal for acl in ACLS} == set(principals())


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_writes_exactly_the_topics_it_produces(service):
    produced = {name for name, spec in TOPICS.items() if spec.producer == service}
    assert grants(service, Operation.WRITE) == produced
    assert grants(service, Operation.DESCRIBE) == produced
    assert grants(service, Operation.IDEMPOTENT_WRITE, Resource.CLUSTER) == {CLUSTER_RESOURCE}


def test_every_topic_has_exactly_one_writer_its_producer():
    for name, spec in TOPICS.items():
        writers = {a.principal for a in ACLS if a.name == name and a.operation is Operation.WRITE}
        assert writers == {spec.producer}, name


def test_each_dlq_is_written_by_its_consumer_only():
    for consumer in ("inspection", "charity", "notify", "views"):
        writers = {a.principal for a in ACLS if a.name == dlq_topic(consumer)}
        assert writers == {consumer}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reads_exactly_what_it_consumes_with_its_own_group(service):
    assert grants(service, Operation.READ) == set(CONSUMES[service])
    groups = grants(service, Operation.READ, Resource.GROUP)
    assert groups == ({service} if CONSUMES[service] else set())


def test_the_integrator_reads_public_domain_topics_and_its_groups_only():
    public = {
        name for name in DOMAIN_TOPICS if name not in RESTRICTED and not name.startswith("notify.")
    }
    assert grants(INTEGRATOR, Operation.READ) == public
    assert public, "some topics are public"
    mine = {acl for acl in ACLS if acl.principal == INTEGRATOR}
    assert {acl.operation for acl in mine} == {Operation.READ}
    assert {acl for acl in mine if acl.resource is Resource.GROUP} == {
        Acl(INTEGRATOR, Resource.GROUP, "integrator.", Operation.READ, Pattern.PREFIXED)
    }
    closed = {"eldercare.wristbands", "eldercare.missing_cases", "notify.notifications"}
    closed |= {name for name in TOPICS if name.endswith(".dlq")}
    assert not closed & grants(INTEGRATOR, Operation.READ)


def test_nothing_is_granted_by_prefix_except_the_integrators_groups():
    prefixed = {acl for acl in ACLS if acl.pattern is Pattern.PREFIXED}
    assert prefixed == {acl for acl in integrator_acls() if acl.resource is Resource.GROUP}


def test_a_topic_prefix_applies_to_every_topic_but_not_to_groups():
    prefixed = service_acls("charity", topic_prefix="t1.")
    topics = {acl.name for acl in prefixed if acl.resource is Resource.TOPIC}
    assert topics
    assert all(name.startswith("t1.") for name in topics)
    assert Acl("charity", Resource.GROUP, "charity", Operation.READ) in prefixed


def test_an_unknown_service_has_no_rules():
    with pytest.raises(KeyError):
        service_acls("payroll")


def test_the_wire_form_and_the_text_form():
    acl = Acl("views", Resource.TOPIC, "inspection.hazards", Operation.READ)
    assert acl.wire() == (2, "inspection.hazards", 3, "User:views", "*", 3, 3)
    assert str(acl) == "User:views READ TOPIC:inspection.hazards"
    group = Acl(INTEGRATOR, Resource.GROUP, "integrator.", Operation.READ, Pattern.PREFIXED)
    assert str(group) == "User:integrator READ GROUP:integrator.*"


def test_broker_security_keeps_passwords_out_of_reprs_and_needs_the_admin():
    security = BrokerSecurity({"admin": "pw-admin-1", "views": "pw-views-2"})
    assert "pw-" not in repr(security)
    assert security.client_options("views")["sasl_plain_password"] == "pw-views-2"
    assert security.client_options()["sasl_plain_username"] == "admin"
    props = security.properties()
    assert props["authorizer.class.name"].endswith("StandardAuthorizer")
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:admin"
    assert security.format_args() == [
        "--add-scram",
        "SCRAM-SHA-512=[name=admin,password=pw-admin-1]",
    ]
    assert security.others() == {"views": "pw-views-2"}
    with pytest.raises(ValueError, match="admin"):
        BrokerSecurity({"views": "pw"})
    with pytest.raises(ValueError, match="URL-safe"):
        BrokerSecurity({"admin": "pw", "bad,name": "pw"})
