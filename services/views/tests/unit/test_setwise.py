"""The set-based forms of writer statements, and how rows are split between statements."""

from views.adapters.setwise import order_free, rewrite, rounds


def test_an_upsert_reads_its_rows_from_unnest_and_keeps_its_conflict_clause():
    sql = (
        "INSERT INTO p (a, b, s, v) VALUES ($1, $2, 'SENT', $3)"
        " ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b WHERE p.v < EXCLUDED.v"
    )
    assert rewrite(sql, ["uuid", "text", "int4"]) == (
        "INSERT INTO p (a, b, s, v) SELECT _b._c1, _b._c2, 'SENT', _b._c3"
        " FROM unnest($1::uuid[], $2::text[], $3::int4[]) AS _b (_c1, _c2, _c3)"
        " ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b WHERE p.v < EXCLUDED.v"
    )


def test_updates_and_deletes_join_their_rows_before_the_where_clause():
    update = "UPDATE p_x SET a = $3, n = n + 1, version = $2 WHERE k = $1 AND version < $2"
    assert rewrite(update, ["uuid", "int4", "date"]) == (
        "UPDATE p_x SET a = _b._c3, n = n + 1, version = _b._c2"
        " FROM unnest($1::uuid[], $2::int4[], $3::date[]) AS _b (_c1, _c2, _c3)"
        " WHERE k = _b._c1 AND version < _b._c2"
    )
    assert rewrite("DELETE FROM p_elders WHERE elder_id = $1", ["uuid"]) == (
        "DELETE FROM p_elders USING unnest($1::uuid[]) AS _b (_c1) WHERE elder_id = _b._c1"
    )


def test_statements_of_another_shape_have_no_set_based_form():
    assert rewrite("UPDATE t SET a = (SELECT 1 WHERE true) WHERE k = $1", ["uuid"]) is None
    assert rewrite("SELECT $1", ["int4"]) is None
    assert rewrite("INSERT INTO t (a) VALUES ($1), ($2)", ["int4", "int4"]) is None
    assert rewrite("UPDATE t SET a = 1 WHERE true", []) is None


def test_an_aggregates_rows_go_one_per_statement_unless_they_only_insert():
    upsert = "INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"
    chains = [[(1, "a"), (1, "b")], [(2, "c")], [(3, "d"), (3, "e"), (3, "f")]]
    assert rounds(upsert, chains) == [
        [(1, "a"), (2, "c"), (3, "d")],
        [(1, "b"), (3, "e")],
        [(3, "f")],
    ]
    insert = "INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    assert order_free(insert)
    assert not order_free(upsert)
    assert rounds(insert, chains) == [[(1, "a"), (1, "b"), (2, "c"), (3, "d"), (3, "e"), (3, "f")]]


def test_a_statement_never_gets_two_rows_with_the_same_key():
    update = "UPDATE t SET v = $2 WHERE k = $1"
    chains = [[(1, "a")], [(1, "b"), (2, "x")], [(2, "c")]]
    # The second aggregate's key-1 row waits for the next statement, and its next row after it.
    assert rounds(update, chains) == [[(1, "a"), (2, "c")], [(1, "b")], [(2, "x")]]
