"""Lag and offsets on a shared cluster: only this deployment's topics, skipped records counted."""

from aiokafka import TopicPartition

from views.adapters.offsets import by_topic, partition_lag, unprefixed


def test_offsets_under_another_prefix_sharing_the_group_name_are_left_out():
    # Two deployments (or test runs) use the group "views" with prefixes of the same length:
    # stripping the length alone would merge their offsets into one topic.
    offsets = {
        TopicPartition("t1111aaaa.notify.notifications", 0): 7,
        TopicPartition("t2222bbbb.notify.notifications", 0): 3,
        TopicPartition("t1111aaaa.charity.funds", 2): 1,
    }
    assert by_topic("t1111aaaa.", offsets) == {
        "notify.notifications": {0: 7},
        "charity.funds": {2: 1},
    }
    assert unprefixed("", "charity.funds") == "charity.funds"
    assert unprefixed("t1.", "t2.charity.funds") is None


def test_lag_reaches_zero_when_skipped_or_redelivered_records_end_a_partition():
    # Offsets 0..4 applied (checkpoint 4); 5..8 were duplicates or unhandled types: the group
    # committed 9, the end offset.
    assert partition_lag(9, 4, 9) == 0
    assert partition_lag(9, 4, None) == 4  # no group offset known: the checkpoint alone


def test_lag_counts_what_neither_the_checkpoint_nor_the_group_has_passed():
    assert partition_lag(9, 4, 6) == 3
    assert partition_lag(9, 7, 6) == 1  # a rebuilt set may be ahead of the group
    assert partition_lag(0, None, None) == 0
    assert partition_lag(5, None, None) == 5
