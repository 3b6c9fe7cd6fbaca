-- The views service's own schema holds the control tables and, as SQL views named p_*, the
-- read model: each p_* view selects from the active table set of its projection (a schema of
-- its own per generation), so a rebuild fills a fresh set and switches the views atomically.

CREATE TABLE projection_sets (
    projection text NOT NULL,
    generation integer NOT NULL,
    schema_name text NOT NULL UNIQUE,
    ddl_checksum text NOT NULL,
    state text NOT NULL CHECK (state IN ('BUILDING', 'ACTIVE', 'RETIRED', 'FAILED')),
    created_at timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    PRIMARY KEY (projection, generation)
);
CREATE UNIQUE INDEX projection_sets_one_active ON projection_sets (projection)
    WHERE state = 'ACTIVE';

CREATE TABLE rebuild_runs (
    run_id uuid PRIMARY KEY,
    projection text NOT NULL,
    generation integer NOT NULL,
    state text NOT NULL CHECK (state IN ('RUNNING', 'SWITCHED', 'FAILED')),
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    target_events bigint NOT NULL DEFAULT 0,
    read_events bigint NOT NULL DEFAULT 0,
    applied_events bigint NOT NULL DEFAULT 0,
    skipped_events bigint NOT NULL DEFAULT 0,
    error text
);

-- Calendar of the cadence rules: ISO weeks and calendar months (Asia/Shanghai dates).
CREATE TABLE p_periods (
    kind text NOT NULL CHECK (kind IN ('WEEKLY', 'MONTHLY')),
    period_key text NOT NULL,
    period_start_on date NOT NULL,
    period_end_on date NOT NULL,
    PRIMARY KEY (kind, period_key)
);
INSERT INTO p_periods (kind, period_key, period_start_on, period_end_on)
SELECT 'WEEKLY', to_char(d, 'IYYY-"W"IW'), d::date, (d + interval '6 days')::date
FROM generate_series(date '2014-12-29', date '2040-12-31', interval '7 days') AS d;
INSERT INTO p_periods (kind, period_key, period_start_on, period_end_on)
SELECT 'MONTHLY', to_char(d, 'YYYY-MM'), d::date, (d + interval '1 month' - interval '1 day')::date
FROM generate_series(date '2015-01-01', date '2040-12-01', interval '1 month') AS d;

-- Every read of an elder's 360 view (DOMAIN §9.2 rule 4): who, which elder, why, when.
CREATE TABLE elder_read_audit (
    audit_id bigserial PRIMARY KEY,
    actor_person_id uuid NOT NULL,
    actor_role text NOT NULL,
    elder_id uuid NOT NULL,
    fields text NOT NULL,
    purpose text NOT NULL,
    found boolean NOT NULL,
    read_at timestamptz NOT NULL
);
CREATE INDEX elder_read_audit_elder ON elder_read_audit (elder_id, read_at);
