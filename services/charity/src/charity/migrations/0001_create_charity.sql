-- The charity schema: funds and their double-entry ledger, projects, donations, beneficiaries
-- (+ vault), eldercare replicas, allocations, disbursements, reconciliations, child-care sessions.
-- Money is bigint fen everywhere; never a float.

CREATE TABLE funds (
    id uuid PRIMARY KEY,
    code text NOT NULL,
    source_type text NOT NULL CHECK (source_type IN ('LOTTERY_WELFARE', 'DONATION', 'FISCAL')),
    fiscal_year integer CHECK (fiscal_year BETWEEN 2000 AND 2100),
    opened_at timestamptz NOT NULL,
    version integer NOT NULL,
    CONSTRAINT funds_code_key UNIQUE (code),
    CONSTRAINT funds_lottery_has_year CHECK (source_type <> 'LOTTERY_WELFARE' OR fiscal_year IS NOT NULL)
);
-- One welfare-lottery fund per fiscal year.
CREATE UNIQUE INDEX funds_one_lottery_per_year ON funds (fiscal_year)
    WHERE source_type = 'LOTTERY_WELFARE';

CREATE TABLE fund_credits (
    seq bigserial PRIMARY KEY,
    fund_id uuid NOT NULL REFERENCES funds (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    credited_at timestamptz NOT NULL,
    reference text NOT NULL,
    CONSTRAINT fund_credits_reference_key UNIQUE (fund_id, reference)
);

CREATE TABLE projects (
    id uuid PRIMARY KEY,
    code text NOT NULL,
    name text NOT NULL,
    brand text,
    kind text NOT NULL,
    purpose text NOT NULL,
    in_project_library boolean NOT NULL,
    registered_at timestamptz NOT NULL,
    version integer NOT NULL,
    CONSTRAINT projects_code_key UNIQUE (code)
);

-- Donors: an opaque id; an individual's personal data is in the vault, keyed by this id.
CREATE TABLE donors (
    id uuid PRIMARY KEY,
    donor_type text NOT NULL CHECK (donor_type IN ('INDIVIDUAL', 'ORGANISATION')),
    id_card_hmac text,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT donors_id_card_hmac_key UNIQUE (id_card_hmac)
);

CREATE TABLE donations (
    id uuid PRIMARY KEY,
    receipt_no text NOT NULL,
    fund_id uuid NOT NULL REFERENCES funds (id),
    donor_id uuid REFERENCES donors (id),
    donor_type text NOT NULL CHECK (donor_type IN ('INDIVIDUAL', 'ORGANISATION')),
    anonymous boolean NOT NULL,
    donor_display_name text,
    kind text NOT NULL CHECK (kind IN ('CASH', 'IN_KIND')),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    items jsonb NOT NULL DEFAULT '[]'::jsonb,
    designated_project_id uuid REFERENCES projects (id),
    received_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    version integer NOT NULL,
    CONSTRAINT donations_receipt_no_key UNIQUE (receipt_no)
);

-- The personal-data vault: one data key per subject, wrapped by the master key (key_id names
-- which one, for rotation). Erasure deletes the wrapped key: the ciphertext becomes noise.
CREATE TABLE vault_keys (
    subject_id uuid PRIMARY KEY,
    key_id text NOT NULL,
    wrapped_key bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    shredded_at timestamptz
);
CREATE TABLE vault_records (
    subject_id uuid PRIMARY KEY REFERENCES vault_keys (subject_id),
    nonce bytea NOT NULL,
    ciphertext bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Audited clear reads (who, whose, which fields, why, when).
CREATE TABLE pii_access_log (
    seq bigserial PRIMARY KEY,
    actor_id uuid NOT NULL,
    actor_role text NOT NULL,
    subject_id uuid NOT NULL,
    fields text[] NOT NULL,
    purpose text NOT NULL,
    accessed_at timestamptz NOT NULL
);
CREATE INDEX pii_access_log_subject ON pii_access_log (subject_id);

-- Replicas of eldercare, built from its events only.
CREATE TABLE elder_replica (
    elder_id uuid PRIMARY KEY,
    registered boolean NOT NULL DEFAULT false,
    county_code text,
    age_band text,
    status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DECEASED', 'MOVED_OUT')),
    status_version integer NOT NULL DEFAULT 0,
    left_on date,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE institution_replica (
    institution_id uuid PRIMARY KEY,
    registered boolean NOT NULL DEFAULT false,
    kind text,
    county_code text,
    status text NOT NULL DEFAULT 'ACTIVE',
    status_version integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE beneficiaries (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('ELDER', 'CHILD', 'STUDENT', 'HOUSEHOLD', 'INSTITUTION')),
    elder_id uuid,
    institution_id uuid,
    county_code text NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
    id_card_hmac text,
    bank_account_token uuid,
    registered_at timestamptz NOT NULL,
    deactivated_at timestamptz,
    deactivation_reason text,
    erased_at timestamptz,
    version integer NOT NULL,
    CONSTRAINT beneficiaries_id_card_hmac_key UNIQUE (id_card_hmac),
    CONSTRAINT beneficiaries_elder_id_key UNIQUE (elder_id),
    CONSTRAINT beneficiaries_institution_id_key UNIQUE (institution_id),
    CONSTRAINT beneficiaries_links CHECK (
        (kind = 'ELDER') = (elder_id IS NOT NULL)
        AND (kind = 'INSTITUTION') = (institution_id IS NOT NULL)
    )
);

CREATE TABLE enrollments (
    beneficiary_id uuid NOT NULL REFERENCES beneficiaries (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    enrolled_at timestamptz NOT NULL,
    ended_at timestamptz,
    end_reason text,
    PRIMARY KEY (beneficiary_id, project_id)
);
CREATE INDEX enrollments_project ON enrollments (project_id) WHERE ended_at IS NULL;

CREATE TABLE allocations (
    id uuid PRIMARY KEY,
    code text NOT NULL,
    fund_id uuid NOT NULL REFERENCES funds (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    valid_until date NOT NULL,
    requester_id uuid NOT NULL,
    expense_class text NOT NULL,
    lottery boolean NOT NULL,
    status text NOT NULL
        CHECK (status IN ('DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED', 'CLOSED', 'CANCELLED')),
    created_at timestamptz NOT NULL,
    submitted_at timestamptz,
    decided_at timestamptz,
    closed_at timestamptz,
    version integer NOT NULL,
    CONSTRAINT allocations_code_key UNIQUE (code)
);

-- Four eyes, in the database too: one decision per stage, one stage per person, never the
-- requester.
CREATE TABLE allocation_decisions (
    allocation_id uuid NOT NULL REFERENCES allocations (id),
    stage text NOT NULL CHECK (stage IN ('SECTION_REVIEW', 'LEADER_APPROVAL', 'FINANCE_COSIGN')),
    decision text NOT NULL CHECK (decision IN ('APPROVE', 'REJECT')),
    approver_id uuid NOT NULL,
    requester_id uuid NOT NULL,
    reason_code text,
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (allocation_id, stage),
    CONSTRAINT allocation_decisions_one_stage_per_person UNIQUE (allocation_id, approver_id),
    CONSTRAINT allocation_decisions_not_requester CHECK (approver_id <> requester_id)
);

CREATE TABLE disbursements (
    id uuid PRIMARY KEY,
    allocation_id uuid NOT NULL REFERENCES allocations (id),
    fund_id uuid NOT NULL REFERENCES funds (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    beneficiary_id uuid NOT NULL REFERENCES beneficiaries (id),
    kind text NOT NULL CHECK (kind IN ('CASH', 'IN_KIND')),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    items jsonb NOT NULL DEFAULT '[]'::jsonb,
    round_code text NOT NULL,
    payee_account_token uuid,
    status text NOT NULL CHECK (status IN ('REQUESTED', 'PAID', 'DELIVERED', 'FAILED', 'CANCELLED')),
    attempt integer NOT NULL CHECK (attempt >= 1),
    requested_at timestamptz NOT NULL,
    settled_at timestamptz,
    settlement_ref text,
    last_reason text,
    version integer NOT NULL
);
-- One benefit per (project, beneficiary, round) unless the earlier one was cancelled.
CREATE UNIQUE INDEX disbursements_one_benefit_per_round
    ON disbursements (project_id, beneficiary_id, round_code) WHERE status <> 'CANCELLED';
CREATE INDEX disbursements_allocation ON disbursements (allocation_id, status);

CREATE TABLE reconciliations (
    id uuid PRIMARY KEY,
    seq bigserial NOT NULL UNIQUE,
    allocation_id uuid NOT NULL REFERENCES allocations (id),
    period_end_on date NOT NULL,
    expected_minor bigint NOT NULL CHECK (expected_minor >= 0),
    confirmed_minor bigint NOT NULL CHECK (confirmed_minor >= 0),
    discrepancy_count integer NOT NULL CHECK (discrepancy_count >= 0),
    completed_at timestamptz NOT NULL,
    version integer NOT NULL
);
CREATE INDEX reconciliations_allocation ON reconciliations (allocation_id, seq);
CREATE TABLE reconciliation_discrepancies (
    reconciliation_id uuid NOT NULL REFERENCES reconciliations (id),
    line integer NOT NULL,
    kind text NOT NULL,
    reference text NOT NULL,
    disbursement_id uuid,
    expected_minor bigint NOT NULL,
    confirmed_minor bigint NOT NULL,
    PRIMARY KEY (reconciliation_id, line)
);

CREATE TABLE child_care_providers (
    person_id uuid PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('TEACHER', 'VOLUNTEER_MOTHER')),
    updated_at timestamptz NOT NULL
);
CREATE TABLE child_care_sessions (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id),
    provider_person_id uuid NOT NULL,
    held_on date NOT NULL,
    child_count integer NOT NULL CHECK (child_count >= 1),
    minutes integer NOT NULL CHECK (minutes > 0),
    recorded_at timestamptz NOT NULL,
    version integer NOT NULL
);
CREATE INDEX child_care_sessions_held_on ON child_care_sessions (held_on);
CREATE TABLE child_care_session_children (
    session_id uuid NOT NULL REFERENCES child_care_sessions (id),
    beneficiary_id uuid NOT NULL REFERENCES beneficiaries (id),
    PRIMARY KEY (session_id, beneficiary_id)
);

-- The ledger: append-only, one row per movement between two accounts (so it always balances).
CREATE TABLE ledger_entries (
    seq bigserial PRIMARY KEY,
    kind text NOT NULL
        CHECK (kind IN ('FUND_CREDIT', 'DONATION', 'ALLOCATE', 'RESERVE', 'SETTLE', 'UNRESERVE',
                        'RELEASE')),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency text NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
    from_account text NOT NULL,
    to_account text NOT NULL CHECK (to_account <> from_account),
    fund_id uuid NOT NULL REFERENCES funds (id),
    allocation_id uuid REFERENCES allocations (id),
    disbursement_id uuid REFERENCES disbursements (id),
    donation_id uuid REFERENCES donations (id),
    project_id uuid REFERENCES projects (id),
    reference text,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_fund ON ledger_entries (fund_id);
CREATE INDEX ledger_entries_allocation ON ledger_entries (allocation_id);
CREATE INDEX ledger_entries_from ON ledger_entries (from_account);
CREATE INDEX ledger_entries_to ON ledger_entries (to_account);

-- Balances derived from the entries by trigger only; the check is the database's own guard
-- that no internal account (a fund's money, an allocation's remainder...) ever goes negative.
CREATE TABLE account_balances (
    account text PRIMARY KEY,
    balance_minor bigint NOT NULL,
    CONSTRAINT account_balances_not_negative CHECK (balance_minor >= 0)
);

CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
BEGIN
    -- Debit first by UPDATE: a CHECK is evaluated on the row proposed by INSERT ... ON CONFLICT
    -- before the conflict is seen, so an upsert of a negative amount would always fail.
    IF NEW.from_account NOT LIKE 'external:%' THEN
        UPDATE account_balances SET balance_minor = balance_minor - NEW.amount_minor
        WHERE account = NEW.from_account;
        IF NOT FOUND THEN
            -- Drawing on an account that never received money: refused by the check.
            INSERT INTO account_balances (account, balance_minor)
            VALUES (NEW.from_account, -NEW.amount_minor);
        END IF;
    END IF;
    IF NEW.to_account NOT LIKE 'external:%' THEN
        INSERT INTO account_balances AS b (account, balance_minor)
        VALUES (NEW.to_account, NEW.amount_minor)
        ON CONFLICT (account) DO UPDATE SET balance_minor = b.balance_minor + NEW.amount_minor;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_entries_apply AFTER INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only';
END;
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
