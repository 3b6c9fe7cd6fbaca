-- The inspection service's own tables (the platform's outbox/inbox/idempotency_keys come first).

-- Replica of eldercare.institutions: only what reference checks and notice targeting need.
CREATE TABLE site_replica (
    id uuid PRIMARY KEY,
    kind text,
    status text NOT NULL,
    county_code text,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE campaigns (
    id uuid PRIMARY KEY,
    code text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    start_on date NOT NULL,
    end_on date,
    lead_unit text NOT NULL,
    status text NOT NULL,
    closed_at timestamptz,
    version integer NOT NULL,
    CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE UNIQUE INDEX campaigns_open_name ON campaigns (name) WHERE status <> 'CLOSED';

CREATE TABLE leaders (
    id uuid PRIMARY KEY,
    roles text[] NOT NULL,
    effective_from date NOT NULL,
    status text NOT NULL,
    removed_at timestamptz,
    version integer NOT NULL
);

-- Every closed period judged for a member, breached or not: the breach fires once per row.
CREATE TABLE cadence_evaluations (
    person_id uuid NOT NULL,
    period_kind text NOT NULL,
    period_key text NOT NULL,
    period_start_on date NOT NULL,
    period_end_on date NOT NULL,
    qualifying integer NOT NULL,
    breached boolean NOT NULL,
    evaluated_at timestamptz NOT NULL,
    PRIMARY KEY (person_id, period_kind, period_key)
);

CREATE TABLE inspections (
    id uuid PRIMARY KEY,
    inspection_no text NOT NULL UNIQUE,
    site_id uuid NOT NULL,
    type text NOT NULL,
    campaign_id uuid NOT NULL REFERENCES campaigns (id),
    lead_person_id uuid NOT NULL,
    participant_ids uuid[] NOT NULL,
    planned_on date NOT NULL,
    announced boolean NOT NULL,
    checklist_ref text,
    status text NOT NULL,
    completed_at timestamptz,
    completed_on date,
    summary text,
    hazards_found integer NOT NULL,
    cancel_reason_code text,
    cancel_note text,
    cancelled_at timestamptz,
    version integer NOT NULL
);
CREATE INDEX inspections_completed_on ON inspections (completed_on) WHERE status = 'COMPLETED';

CREATE TABLE hazards (
    id uuid PRIMARY KEY,
    hazard_no text NOT NULL UNIQUE,
    site_id uuid NOT NULL,
    inspection_id uuid REFERENCES inspections (id),
    campaign_id uuid REFERENCES campaigns (id),
    category text NOT NULL,
    level text NOT NULL,
    major_basis text,
    description text NOT NULL,
    photo_ids text[] NOT NULL,
    found_at timestamptz NOT NULL,
    found_on date NOT NULL,
    found_by uuid NOT NULL,
    status text NOT NULL,
    escalation_level integer NOT NULL CHECK (escalation_level BETWEEN 0 AND 2),
    extension_count integer NOT NULL,
    rework_count integer NOT NULL,
    responsible_person_id uuid,
    measures text,
    standard text,
    funds_minor bigint NOT NULL CHECK (funds_minor >= 0),
    funds_source text,
    deadline_on date,
    original_deadline_on date,
    contingency_plan text,
    interim_measures text,
    verifier_id uuid,
    assigned_at timestamptz,
    evidence_ids text[] NOT NULL,
    submitted_at timestamptz,
    submission_note text,
    verified_at timestamptz,
    verification_note text,
    approaching_for date,
    overdue_at timestamptz,
    escalated_at timestamptz,
    version integer NOT NULL
);
CREATE INDEX hazards_open_deadline ON hazards (deadline_on) WHERE status IN ('REPORTED', 'IN_RECTIFICATION');
CREATE INDEX hazards_site ON hazards (site_id);

CREATE TABLE drills (
    id uuid PRIMARY KEY,
    site_id uuid NOT NULL,
    drill_type text NOT NULL,
    planned_on date NOT NULL,
    scenario text,
    status text NOT NULL,
    held_at timestamptz,
    participants integer,
    residents_participating integer,
    evaluation text,
    cancel_reason_code text,
    cancelled_at timestamptz,
    version integer NOT NULL
);

CREATE TABLE safety_talks (
    id uuid PRIMARY KEY,
    venue_site_id uuid,
    format text NOT NULL,
    topic text NOT NULL,
    speaker_person_id uuid NOT NULL,
    held_at timestamptz NOT NULL,
    audience_count integer NOT NULL CHECK (audience_count >= 1),
    version integer NOT NULL
);

CREATE TABLE work_notices (
    id uuid PRIMARY KEY,
    notice_no text NOT NULL UNIQUE,
    title text NOT NULL,
    content_ref text,
    issuer_person_id uuid NOT NULL,
    target_site_ids uuid[] NOT NULL,
    target_kinds text[] NOT NULL,
    require_ack boolean NOT NULL,
    ack_due_on date NOT NULL,
    status text NOT NULL,
    issued_at timestamptz,
    acks jsonb NOT NULL,
    version integer NOT NULL
);

CREATE TABLE safety_meetings (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    held_at timestamptz NOT NULL,
    agenda_ref text,
    version integer NOT NULL
);

CREATE TABLE surveys (
    id uuid PRIMARY KEY,
    title text NOT NULL,
    theme text NOT NULL,
    scale text NOT NULL,
    lead_person_id uuid NOT NULL,
    launched_at timestamptz NOT NULL,
    completed_at timestamptz,
    report_ref text,
    status text NOT NULL,
    problems_registered integer NOT NULL,
    version integer NOT NULL
);

CREATE TABLE problems (
    id uuid PRIMARY KEY,
    source text NOT NULL,
    survey_id uuid REFERENCES surveys (id),
    county_code text NOT NULL,
    township_code text,
    category text NOT NULL,
    summary text NOT NULL,
    owner_unit text NOT NULL,
    status text NOT NULL,
    registered_at timestamptz NOT NULL,
    resolved_at timestamptz,
    resolution text,
    confirmed_at timestamptz,
    reopened_at timestamptz,
    reopen_reason_code text,
    reopen_count integer NOT NULL,
    version integer NOT NULL
);
CREATE INDEX problems_survey ON problems (survey_id);

-- Human codes (JC-2024-001, YH-2024-001, TS-2024-001): one counter per prefix and year.
CREATE TABLE number_sequences (
    prefix text NOT NULL,
    year integer NOT NULL,
    last integer NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- The daily sweeper's record: which local day each sweep ran for, and what it emitted.
CREATE TABLE sweep_runs (
    name text NOT NULL,
    run_on date NOT NULL,
    ran_at timestamptz NOT NULL,
    emitted integer NOT NULL,
    PRIMARY KEY (name, run_on)
);
