"""Registry-wide checks of the event contracts (DECISIONS §4, DOMAIN §8)."""

from __future__ import annotations

import inspect
import re
import types
import typing
from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from pydantic import ValidationError

from shared.events import (
    REGISTRY,
    CloudEvent,
    ContractError,
    IntegrationEvent,
    charity,
    decode,
    eldercare,
    envelope_for,
    inspection,
    notify,
    topics,
)
from shared.events.examples import all_examples, example
from shared.events.pii import (
    FIELD_DENYLIST,
    FIELD_FALSE_POSITIVES,
    find_pii,
    pii_field_violations,
)
from shared.events.registry import ALL_EVENTS

PRODUCERS: dict[str, types.ModuleType] = {
    "inspection": inspection,
    "eldercare": eldercare,
    "charity": charity,
    "notify": notify,
}
# DOMAIN §8.2-§8.5: rows per producer table.
EXPECTED_COUNTS = {"inspection": 30, "eldercare": 31, "charity": 20, "notify": 4}
SNAKE = r"[a-z]+(?:_[a-z]+)*"
TYPE_RULE = re.compile(
    rf"^(?P<producer>[a-z]+)\.(?P<aggregate>{SNAKE})\.(?P<verb>{SNAKE})\.v[1-9][0-9]*$"
)
# Events about an entity inside the aggregate, whose type DOMAIN §8.3 spells out.
SUB_ENTITY_EVENTS = {
    "VolunteerBranchFounded": "eldercare.volunteer_corps.branch_founded.v1",
    "VolunteerBranchDissolved": "eldercare.volunteer_corps.branch_dissolved.v1",
}
WHEN = datetime(2024, 3, 6, 1, 40, tzinfo=UTC)

ids = [event.__name__ for event in ALL_EVENTS]
all_contracts = pytest.mark.parametrize("contract", ALL_EVENTS, ids=ids)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plural_of(aggregate: str) -> str:
    if aggregate.endswith("s"):  # volunteer_corps
        return aggregate
    if aggregate.endswith("y") and aggregate[-2] not in "aeiou":  # beneficiary, not survey
        return f"{aggregate[:-1]}ies"
    return f"{aggregate}s"


def producer_of(contract: type[IntegrationEvent]) -> str:
    return contract.__module__.rsplit(".", 1)[-1]


def unwrap(annotation: object) -> object:
    """The annotation without Annotated metadata, and without ``| None``."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return unwrap(args[0])
    return annotation


def test_registry_holds_every_contract_of_the_catalogue_once():
    counts = {name: len(module.EVENTS) for name, module in PRODUCERS.items()}
    assert counts == EXPECTED_COUNTS
    event_types = [event.TYPE for event in ALL_EVENTS]
    assert len(set(event_types)) == len(event_types)
    assert set(REGISTRY.by_type) == set(event_types)


@pytest.mark.parametrize("producer", PRODUCERS)
def test_each_module_lists_every_contract_it_defines(producer):
    module = PRODUCERS[producer]
    defined = {
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, IntegrationEvent) and obj.__module__ == module.__name__
    }
    assert defined == set(module.EVENTS)


@all_contracts
def test_type_follows_the_naming_rule(contract):
    match = TYPE_RULE.match(contract.TYPE)
    assert match, f"{contract.TYPE} is not <producer>.<aggregate>.<verb_past>.v<N>"
    assert match["producer"] == producer_of(contract)
    assert match["aggregate"] == contract.AGGREGATE
    if contract.__name__ in SUB_ENTITY_EVENTS:
        assert SUB_ENTITY_EVENTS[contract.__name__] == contract.TYPE
    else:
        assert snake(contract.__name__) == f"{contract.AGGREGATE}_{match['verb']}"


@all_contracts
def test_topic_is_a_known_topic_of_the_producer_and_aggregate(contract):
    assert contract.TOPIC in topics.DOMAIN_TOPICS
    producer, plural = contract.TOPIC.split(".", 1)
    assert producer == producer_of(contract)
    assert plural == plural_of(contract.AGGREGATE)


@all_contracts
def test_key_field_is_a_required_uuid_field(contract):
    field = contract.model_fields[contract.KEY_FIELD]
    assert field.annotation is UUID
    assert field.is_required()


@all_contracts
def test_field_types_follow_the_naming_conventions(contract):
    for name, field in contract.model_fields.items():
        core = unwrap(field.annotation)
        if name.endswith(("_id", "_by")):
            assert core is UUID, name
        elif name.endswith("_ids"):
            assert typing.get_args(core) == (UUID, ...), name
        elif name.endswith("_on"):
            assert core is date, name
        elif name.endswith("_minor"):
            assert core is int, name
        if not field.is_required() and field.default is not None:
            assert isinstance(field.default, int | tuple), f"{name} defaults to {field.default!r}"


@all_contracts
def test_instants_must_carry_an_offset(contract):
    data = example(contract).model_dump()
    instants = [name for name in contract.model_fields if name.endswith("_at")]
    for name in instants:
        naive = {**data, name: datetime(2024, 3, 6, 9, 40)}  # noqa: DTZ001 - the point of the test
        with pytest.raises(ValidationError, match=name):
            contract.model_validate(naive)


@all_contracts
def test_example_is_valid_and_free_of_personal_data(contract):
    event = example(contract)
    assert type(event) is contract
    dumped = event.model_dump(mode="json")
    assert contract.model_validate(dumped) == event
    assert find_pii(dumped) == []


def test_examples_are_deterministic_one_per_contract():
    assert [type(event) for event in all_examples()] == list(ALL_EVENTS)
    rebuilt = [type(e).model_validate(e.model_dump()) for e in all_examples()]
    assert rebuilt == list(all_examples())


@all_contracts
def test_contract_round_trips_through_the_envelope(contract):
    event = example(contract)
    envelope = envelope_for(event, source=producer_of(contract), version=3, time=WHEN)
    wire = envelope.to_json()

    decoded = decode(wire)
    parsed = REGISTRY.parse(decoded)

    assert decoded.type == contract.TYPE
    assert decoded.subject == str(getattr(event, contract.KEY_FIELD))
    assert decoded.aggregatetype == contract.AGGREGATE
    assert type(parsed) is contract
    assert parsed == event


def test_no_contract_field_name_looks_like_personal_data():
    assert pii_field_violations(ALL_EVENTS) == []


def test_false_positive_exceptions_are_all_still_needed():
    fields = {name for event in ALL_EVENTS for name in event.model_fields}
    for name in FIELD_FALSE_POSITIVES:
        assert FIELD_DENYLIST.search(name), f"{name} no longer needs an exception"
        assert name in fields, f"{name} is no longer a contract field"


def test_denylist_catches_personal_field_names():
    class Leaky(IntegrationEvent):
        """A contract that must not exist."""

        TYPE: typing.ClassVar[str] = "inspection.leak.happened.v1"
        TOPIC: typing.ClassVar[str] = topics.INSPECTION_HAZARDS
        AGGREGATE: typing.ClassVar[str] = "leak"
        KEY_FIELD: typing.ClassVar[str] = "leak_id"

        leak_id: UUID
        name: str
        holder_phone: str
        home_address: str
        title: str

    violations = pii_field_violations([Leaky])

    assert violations == [
        "Leaky.name (matches 'name')",
        "Leaky.holder_phone (matches 'phone')",
        "Leaky.home_address (matches 'address')",
    ]


def test_allowlisted_names_apply_only_to_their_entities():
    class ElderNamed(IntegrationEvent):
        """An elder's name must never be published."""

        TYPE: typing.ClassVar[str] = "eldercare.elder.named.v1"
        TOPIC: typing.ClassVar[str] = topics.ELDERCARE_ELDERS
        AGGREGATE: typing.ClassVar[str] = "elder"
        KEY_FIELD: typing.ClassVar[str] = "elder_id"

        elder_id: UUID
        name: str

    assert pii_field_violations([ElderNamed]) == ["ElderNamed.name (matches 'name')"]
    assert pii_field_violations([eldercare.VolunteerBranchFounded, charity.ProjectRegistered]) == []


@all_contracts
def test_producer_model_forbids_extra_fields_but_from_data_ignores_them(contract):
    event = example(contract)
    data = {**event.model_dump(mode="json"), "added_in_a_later_version": "x"}

    with pytest.raises(ValidationError, match="added_in_a_later_version"):
        contract.model_validate(data)
    assert contract.from_data(data) == event


def test_unknown_type_parses_to_none():
    event = example(inspection.HazardReported)
    envelope = envelope_for(event, source="inspection", version=1, time=WHEN)
    unknown = CloudEvent.model_validate(
        {**envelope.model_dump(), "type": "inspection.hazard.teleported.v1"}
    )

    assert REGISTRY.parse(decode(unknown.to_json())) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": "CATASTROPHIC"}, "level"),
        ({"photo_count": -1}, "photo_count"),
        ({"found_at": "yesterday"}, "found_at"),
        ({"level": "MAJOR"}, "major_basis"),
    ],
)
def test_data_violating_the_contract_raises_contract_error(change, message):
    event = example(inspection.HazardReported)
    envelope = envelope_for(event, source="inspection", version=1, time=WHEN)
    broken = CloudEvent.model_validate(
        {**envelope.model_dump(), "data": {**envelope.data, **change}}
    )

    with pytest.raises(ContractError, match=message):
        REGISTRY.parse(broken)


def test_missing_required_field_raises_contract_error():
    event = example(charity.DisbursementRequested)
    envelope = envelope_for(event, source="charity", version=1, time=WHEN)
    data = {k: v for k, v in envelope.data.items() if k != "amount_minor"}
    broken = CloudEvent.model_validate({**envelope.model_dump(), "data": data})

    with pytest.raises(ContractError, match="amount_minor"):
        REGISTRY.parse(broken)


def test_subject_differing_from_the_key_raises_contract_error():
    event = example(eldercare.ElderRegistered)
    envelope = envelope_for(event, source="eldercare", version=1, time=WHEN)
    other = CloudEvent.model_validate({**envelope.model_dump(), "subject": str(UUID(int=1))})

    with pytest.raises(ContractError, match="subject"):
        REGISTRY.parse(other)


@pytest.mark.parametrize(
    ("contract", "change"),
    [
        (inspection.HazardReported, {"level": "GENERAL", "major_basis": "FIRE_EXITS"}),
        (charity.DonationReceived, {"anonymous": True}),
        (charity.DonationReceived, {"donor_type": "INDIVIDUAL"}),
        (charity.BeneficiaryRegistered, {"kind": "HOUSEHOLD"}),
        (charity.BeneficiaryRegistered, {"kind": "INSTITUTION"}),
        (eldercare.VolunteerServiceRecorded, {"institution_id": str(UUID(int=7))}),
        (eldercare.VolunteerServiceRecorded, {"elder_id": None}),
        (eldercare.VolunteerServiceRecorded, {"minutes": 721}),
        (inspection.LeaderAssigned, {"roles": []}),
        (inspection.LeaderCadenceBreached, {"period_key": "2024/32"}),
        (inspection.HazardOverdue, {"escalation_level": 2}),
        (inspection.InspectionCancelled, {"reason_code": "因为 下雨 取消"}),
        (inspection.WorkNoticeIssued, {"target_site_ids": []}),
        (charity.FundCredited, {"amount_minor": 0}),
        (charity.FundCredited, {"currency": "USD"}),
        (charity.FundCredited, {"amount_minor": 100.5}),
        (charity.FundCredited, {"amount_minor": "100"}),
        (notify.NotificationSent, {"source_event_type": "HazardOverdue"}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_contract_rules_reject_invalid_data(contract, change):
    data = {**example(contract).model_dump(mode="json"), **change}

    with pytest.raises(ValidationError):
        contract.model_validate(data)
