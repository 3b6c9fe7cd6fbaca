"""aiokafka objects behind ``Any``-typed factories.

aiokafka's methods carry no annotations, so mypy --strict rejects every call on a typed handle;
one boundary here keeps the rest of devstack strictly typed. aiokafka is imported on first use,
which keeps ``import devstack.<anything>`` cheap for the pytest plugin.
"""

from __future__ import annotations

import functools
from typing import Any


def admin(bootstrap: str, **options: Any) -> Any:
    """An (unstarted) ``AIOKafkaAdminClient``."""
    from aiokafka.admin import AIOKafkaAdminClient

    return AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)


def consumer(*topics: str, bootstrap: str, **options: Any) -> Any:
    """An (unstarted) ``AIOKafkaConsumer``."""
    from aiokafka import AIOKafkaConsumer

    factory: Any = AIOKafkaConsumer
    return factory(*topics, bootstrap_servers=bootstrap, **options)


def producer(bootstrap: str, **options: Any) -> Any:
    """An (unstarted) ``AIOKafkaProducer``."""
    from aiokafka import AIOKafkaProducer

    factory: Any = AIOKafkaProducer
    return factory(bootstrap_servers=bootstrap, **options)


def new_topic(name: str, partitions: int, replication: int, configs: dict[str, str]) -> Any:
    """A ``NewTopic`` request item."""
    from aiokafka.admin import NewTopic

    factory: Any = NewTopic
    return factory(name, partitions, replication, topic_configs=configs)


# aiokafka 0.14 has no ACL methods on its admin client, but it has the protocol messages. The
# broker negotiates the version (4.x serves CreateAcls/DescribeAcls/DeleteAcls from v1 up).
AclTuple = tuple[int, str, int, str, str, int, int]


def create_acls_request(creations: list[AclTuple]) -> Any:
    """One CreateAcls request for many bindings (aiokafka's own ``CreateAclsRequest``: one)."""
    from aiokafka.protocol.admin import CreateAclsRequest_v1
    from aiokafka.protocol.api import Request

    class _CreateAcls(Request[CreateAclsRequest_v1]):
        API_KEY = 30

        def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
            return request_struct_class(creations)

    return _CreateAcls()


def describe_acls_request() -> Any:
    """A DescribeAcls request matching every binding of the cluster."""
    from aiokafka.protocol.admin import DescribeAclsRequest

    any_ = 1  # ANY for resource type, pattern type, operation and permission
    factory: Any = DescribeAclsRequest
    return factory(any_, None, any_, None, None, any_, any_)


def delete_acls_request(binding: AclTuple) -> Any:
    """A DeleteAcls request removing exactly this binding."""
    from aiokafka.protocol.admin import DeleteAclsRequest

    factory: Any = DeleteAclsRequest
    return factory(*binding)


async def send(admin: Any, request: Any) -> Any:
    """Send a protocol request through a started admin client; returns the parsed response."""
    # The admin client's public API has no ACL calls; its request path negotiates the version.
    return await admin._send_request(request)


# (name, mechanism, iterations, salt, salted password)
ScramUpsertion = tuple[str, int, int, bytes, bytes]


@functools.cache
def _alter_scram_struct() -> Any:
    # AlterUserScramCredentials (KIP-554, API 51) is not among aiokafka's messages; v0 is the
    # only version and is "flexible" (compact strings and arrays, tagged fields).
    from aiokafka.protocol.api import RequestStruct, Response
    from aiokafka.protocol.types import (
        CompactArray,
        CompactBytes,
        CompactString,
        Int8,
        Int16,
        Int32,
        Schema,
        TaggedFields,
    )

    class AlterUserScramCredentialsResponseV0(Response):
        API_KEY = 51
        API_VERSION = 0
        SCHEMA = Schema(
            ("throttle_time_ms", Int32),
            (
                "results",
                CompactArray(
                    ("user", CompactString("utf-8")),
                    ("error_code", Int16),
                    ("error_message", CompactString("utf-8")),
                    ("tags", TaggedFields),
                ),
            ),
            ("tags", TaggedFields),
        )

    class AlterUserScramCredentialsRequestV0(RequestStruct):
        FLEXIBLE_VERSION = True
        API_KEY = 51
        API_VERSION = 0
        RESPONSE_TYPE = AlterUserScramCredentialsResponseV0
        SCHEMA = Schema(
            (
                "deletions",
                CompactArray(
                    ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
                ),
            ),
            (
                "upsertions",
                CompactArray(
                    ("name", CompactString("utf-8")),
                    ("mechanism", Int8),
                    ("iterations", Int32),
                    ("salt", CompactBytes),
                    ("salted_password", CompactBytes),
                    ("tags", TaggedFields),
                ),
            ),
            ("tags", TaggedFields),
        )

    return AlterUserScramCredentialsRequestV0


def alter_scram_request(upsertions: list[ScramUpsertion]) -> Any:
    """One AlterUserScramCredentials request creating or replacing these credentials."""
    from aiokafka.protocol.api import Request

    rows: list[tuple[Any, ...]] = [(*row, {}) for row in upsertions]

    class _AlterScram(Request[Any]):
        API_KEY = 51

        def build(self, request_struct_class: Any) -> Any:
            return request_struct_class([], rows, {})

    # Request learns its struct classes from its generic argument; ours is made at run time.
    _AlterScram._CLASSES = (_alter_scram_struct(),)
    return _AlterScram()
