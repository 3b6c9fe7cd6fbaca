"""The dispatcher's advisory-lock key: one per schema, and the same in every process."""

import os
import subprocess
import sys

from notify.adapters.delivery import DISPATCH_LOCK_CLASS, dispatch_lock_key

INT4_MAX = 2**31 - 1


def test_the_key_is_notifys_class_and_a_non_negative_int4_derived_from_the_schema():
    for schema in ("notify", "notify_3f2a9c1d", "通知", ""):
        classid, objid = dispatch_lock_key(schema)
        assert classid == DISPATCH_LOCK_CLASS == 7_311_042
        assert 0 <= objid <= INT4_MAX  # pg_locks.objid shows it as is


def test_different_schemas_have_different_keys():
    keys = {dispatch_lock_key(f"notify_{i:08x}") for i in range(2000)}
    assert len(keys) == 2000


def test_the_key_is_pinned_so_replicas_of_different_versions_still_exclude_each_other():
    # A changed derivation would let an old and a new replica dispatch at the same time.
    assert dispatch_lock_key("notify") == (7_311_042, 1_826_026_516)


def test_the_key_does_not_depend_on_the_process_hash_seed():
    code = "from notify.adapters.delivery import dispatch_lock_key as k; print(k('notify_x')[1])"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert seen == {str(dispatch_lock_key("notify_x")[1])}
