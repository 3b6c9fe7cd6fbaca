-- notify: role directory (replicas of other services' events), contacts (encrypted), a replica
-- of the domain state that decides whether a reminder still holds, notifications, acknowledgement
-- chains, delivery attempts, counters and the append-only audit ledger.

-- Role directory, built from inspection.leaders, eldercare.institutions, eldercare.volunteer_corps.
CREATE TABLE leaders (
    person_id uuid PRIMARY KEY,
    roles text[] NOT NULL,
    active boolean NOT NULL,
    version integer NOT NULL
);

CREATE TABLE sites (
    site_id uuid PRIMARY KEY,
    name text NOT NULL,
    county_code text NOT NULL,
    head_person_id uuid NOT NULL,
    status text NOT NULL,
    version integer NOT NULL
);

CREATE TABLE branches (
    branch_id uuid PRIMARY KEY,
    corps_id uuid NOT NULL,
    name text NOT NULL,
    county_code text NOT NULL,
    leader_person_id uuid,
    active boolean NOT NULL
);
CREATE INDEX branches_county ON branches (county_code) WHERE active;

-- Contacts: personal data, AES-GCM encrypted with VAULT_KEY; only masks are stored in clear.
CREATE TABLE contacts (
    person_id uuid PRIMARY KEY,
    email_enc bytea,
    phone_enc bytea,
    chat_id_enc bytea,
    email_masked text,
    phone_masked text,
    chat_id_masked text,
    version integer NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Domain state the routing and the re-check before a send rely on.
CREATE TABLE hazards (
    hazard_id uuid PRIMARY KEY,
    hazard_no text,
    site_id uuid NOT NULL,
    category text,
    level text,
    status text NOT NULL,
    responsible_person_id uuid,
    verifier_id uuid,
    deadline_on date,
    version integer NOT NULL
);

CREATE TABLE missing_cases (
    case_id uuid PRIMARY KEY,
    county_code text NOT NULL,
    open boolean NOT NULL,
    version integer NOT NULL
);

-- Notifications: one per (event, recipient, channel, template) by the dedupe key.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    dedupe_key text NOT NULL UNIQUE,
    source_event_id uuid NOT NULL,
    source_event_type text NOT NULL,
    subject_id uuid,
    rule_code text NOT NULL,
    rule_version integer NOT NULL,
    trigger_kind text NOT NULL,
    recipient_person_id uuid NOT NULL,
    recipient_source text NOT NULL,
    channel text NOT NULL,
    template_code text NOT NULL,
    template_version integer NOT NULL,
    params jsonb,
    priority text NOT NULL,
    status text NOT NULL,
    chain_id uuid,
    escalation_step integer NOT NULL DEFAULT 0,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    not_before timestamptz,
    deadline_at timestamptz NOT NULL,
    in_flight_since timestamptz,
    created_at timestamptz NOT NULL,
    sent_at timestamptz,
    delivered_at timestamptz,
    acked_at timestamptz,
    finished_at timestamptz,
    last_error text,
    rendered_subject text,
    rendered_body text,
    segments integer,
    purged_at timestamptz,
    version integer NOT NULL
);
CREATE INDEX notifications_due ON notifications (priority, next_attempt_at)
    WHERE status IN ('QUEUED', 'FAILED');
CREATE INDEX notifications_subject ON notifications (subject_id);
CREATE INDEX notifications_recipient ON notifications (recipient_person_id, created_at);
CREATE INDEX notifications_event ON notifications (source_event_id);
CREATE INDEX notifications_created ON notifications (created_at);

-- Acknowledgement chains: one per (hazard-class event, first recipient), escalated step by step.
CREATE TABLE ack_chains (
    chain_id uuid PRIMARY KEY,
    source_event_id uuid NOT NULL,
    source_event_type text NOT NULL,
    subject_id uuid,
    rule_code text NOT NULL,
    rule_version integer NOT NULL,
    first_recipient uuid NOT NULL,
    current_recipient uuid NOT NULL,
    rung integer NOT NULL,
    step integer NOT NULL DEFAULT 0,
    notified uuid[] NOT NULL,
    params jsonb,
    status text NOT NULL,
    due_at timestamptz NOT NULL,
    closed_at timestamptz,
    closed_reason text
);
CREATE INDEX ack_chains_due ON ack_chains (due_at) WHERE status = 'OPEN';
CREATE INDEX ack_chains_subject ON ack_chains (subject_id) WHERE status = 'OPEN';

-- Every provider call, with its outcome.
CREATE TABLE delivery_attempts (
    notification_id uuid NOT NULL REFERENCES notifications (id),
    attempt integer NOT NULL,
    channel text NOT NULL,
    started_at timestamptz NOT NULL,
    outcome text,
    error_class text,
    detail text,
    PRIMARY KEY (notification_id, attempt)
);

-- Daily volume per Asia/Shanghai date and channel (blast-radius guard).
CREATE TABLE daily_volume (
    local_day date NOT NULL,
    channel text NOT NULL,
    sent integer NOT NULL,
    PRIMARY KEY (local_day, channel)
);

-- The audit ledger: append-only. Opaque ids and codes only: never an address or rendered text.
CREATE TABLE audit_log (
    seq bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    decision text NOT NULL,
    notification_id uuid,
    chain_id uuid,
    source_event_id uuid,
    source_event_type text,
    rule_code text,
    rule_version integer,
    recipient_person_id uuid,
    recipient_source text,
    channel text,
    template_code text,
    template_version integer,
    attempt integer,
    outcome text,
    reason text,
    actor text
);
CREATE INDEX audit_notification ON audit_log (notification_id);
CREATE INDEX audit_event ON audit_log (source_event_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
