CREATE TABLE p_funds (
    fund_id uuid PRIMARY KEY,
    code text NOT NULL,
    source_type text NOT NULL,
    fiscal_year integer,
    version integer NOT NULL
);
CREATE TABLE p_fund_credits (
    event_id uuid PRIMARY KEY,
    fund_id uuid NOT NULL,
    amount_minor bigint NOT NULL,
    credited_on date NOT NULL,
    reference text
);
CREATE TABLE p_donations (
    donation_id uuid PRIMARY KEY,
    fund_id uuid NOT NULL,
    donor_type text NOT NULL,
    kind text NOT NULL,
    amount_minor bigint NOT NULL,
    designated_project_id uuid,
    received_on date NOT NULL
);
CREATE TABLE p_projects (
    project_id uuid PRIMARY KEY,
    code text NOT NULL,
    name text NOT NULL,
    brand text,
    kind text NOT NULL,
    purpose text NOT NULL,
    in_project_library boolean NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_beneficiaries (
    beneficiary_id uuid PRIMARY KEY,
    kind text NOT NULL,
    elder_id uuid,
    institution_id uuid,
    county_code text,
    status text NOT NULL,
    registered_on date,
    version integer NOT NULL
);
CREATE INDEX ON p_beneficiaries (elder_id);
CREATE INDEX ON p_beneficiaries (institution_id);
CREATE TABLE p_beneficiary_enrolments (
    beneficiary_id uuid NOT NULL,
    project_id uuid NOT NULL,
    enrolled_on date NOT NULL,
    PRIMARY KEY (beneficiary_id, project_id)
);
CREATE TABLE p_allocations (
    allocation_id uuid PRIMARY KEY,
    code text,
    fund_id uuid NOT NULL,
    project_id uuid NOT NULL,
    amount_minor bigint NOT NULL,
    released_minor bigint NOT NULL DEFAULT 0,
    status text NOT NULL,
    stages_approved integer NOT NULL DEFAULT 0,
    submitted_on date,
    approved_on date,
    closed_on date,
    version integer NOT NULL
);
CREATE TABLE p_disbursements (
    disbursement_id uuid PRIMARY KEY,
    allocation_id uuid NOT NULL,
    fund_id uuid NOT NULL,
    project_id uuid NOT NULL,
    beneficiary_id uuid NOT NULL,
    kind text NOT NULL,
    amount_minor bigint NOT NULL,
    round_code text,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 1,
    requested_on date NOT NULL,
    settled_on date,
    version integer NOT NULL
);
CREATE INDEX ON p_disbursements (beneficiary_id);
CREATE INDEX ON p_disbursements (allocation_id);
CREATE TABLE p_reconciliations (
    reconciliation_id uuid PRIMARY KEY,
    allocation_id uuid NOT NULL,
    period_end_on date NOT NULL,
    expected_minor bigint NOT NULL,
    confirmed_minor bigint NOT NULL,
    discrepancy_count integer NOT NULL
);
CREATE TABLE p_child_care_sessions (
    session_id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    held_on date NOT NULL,
    child_count integer NOT NULL,
    minutes integer NOT NULL
);
