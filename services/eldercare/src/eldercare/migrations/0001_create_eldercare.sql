-- eldercare: institutions, elders and the personal-data vault, home modifications, meal points
-- and meals, wristbands and missing cases, the volunteer corps. Forward-only.

CREATE TABLE institutions (
    id uuid PRIMARY KEY,
    filing_no text NOT NULL UNIQUE,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('ELDERCARE_SAFETY_NET', 'ELDERCARE_PUBLIC',
        'ELDERCARE_PRIVATE', 'SOCIAL_WELFARE_HOME', 'CHILD_WELFARE', 'RELIEF_STATION',
        'FUNERAL_HOME')),
    county_code text NOT NULL,
    township_code text NOT NULL,
    beds integer NOT NULL CHECK (beds >= 0),
    head_person_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'CLOSED')),
    registered_at timestamptz NOT NULL,
    status_changed_at timestamptz,
    version integer NOT NULL
);

-- Public attributes only. Name, ID-card number, phone, address, birth date, emergency contacts,
-- special basis, ability levels and dementia risk are in vault_fields, encrypted.
CREATE TABLE elders (
    id uuid PRIMARY KEY,
    id_card_hmac bytea UNIQUE,          -- HMAC-SHA256(pepper, ID number); NULL once erased
    age_band text NOT NULL,
    sex text NOT NULL CHECK (sex IN ('M', 'F')),
    county_code text NOT NULL,
    township_code text NOT NULL,
    care_pillars text[] NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'DECEASED', 'MOVED_OUT')),
    institution_id uuid REFERENCES institutions (id),
    registered_at timestamptz NOT NULL,
    died_on date,
    moved_out_on date,
    erased_at timestamptz,
    version integer NOT NULL
);
CREATE INDEX elders_institution ON elders (institution_id) WHERE institution_id IS NOT NULL;
CREATE INDEX elders_county ON elders (county_code, status);

-- Ability assessments: who and when; the level itself is a vault field of the elder.
CREATE TABLE elder_assessments (
    id uuid PRIMARY KEY,
    elder_id uuid NOT NULL REFERENCES elders (id),
    assessor_id uuid NOT NULL,
    assessed_at timestamptz NOT NULL
);
CREATE INDEX elder_assessments_elder ON elder_assessments (elder_id, assessed_at);

-- The vault: one data key per subject, wrapped by the master key named key_id.
-- Deleting a subject's row destroys the key (crypto-shredding); its fields go with it.
CREATE TABLE vault_keys (
    subject_id uuid PRIMARY KEY,
    subject_type text NOT NULL CHECK (subject_type IN ('elder', 'volunteer')),
    key_id text NOT NULL,
    wrapped_key bytea NOT NULL,
    created_at timestamptz NOT NULL,
    rotated_at timestamptz
);
CREATE INDEX vault_keys_key_id ON vault_keys (key_id);

CREATE TABLE vault_fields (
    subject_id uuid NOT NULL REFERENCES vault_keys (subject_id) ON DELETE CASCADE,
    field text NOT NULL,
    ciphertext bytea NOT NULL,          -- 0x01 | nonce(12) | AES-256-GCM(data key, value)
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (subject_id, field)
);

-- Every clear read, change or erasure of personal data: who, whom, which fields, why, when.
CREATE TABLE pii_access_log (
    id bigserial PRIMARY KEY,
    actor_person_id uuid NOT NULL,
    actor_role text NOT NULL,
    subject_type text NOT NULL,
    subject_id uuid NOT NULL,
    action text NOT NULL CHECK (action IN ('READ', 'WRITE', 'ERASE')),
    fields text[] NOT NULL,
    purpose text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX pii_access_log_subject ON pii_access_log (subject_id, at);

CREATE TABLE home_modifications (
    id uuid PRIMARY KEY,
    household_id uuid NOT NULL,
    elder_id uuid NOT NULL REFERENCES elders (id),
    county_code text NOT NULL,
    status text NOT NULL CHECK (status IN ('APPLIED', 'ASSESSED', 'REJECTED', 'APPROVED',
        'COMPLETED', 'ACCEPTED', 'CANCELLED')),
    plan jsonb NOT NULL,
    subsidy_minor bigint CHECK (subsidy_minor >= 0),
    self_paid_minor bigint CHECK (self_paid_minor >= 0),
    contractor_org_id uuid,
    photo_ids uuid[] NOT NULL,
    acceptance_inspector_id uuid,
    reject_reason text,
    applied_at timestamptz NOT NULL,
    assessed_at timestamptz,
    rejected_at timestamptz,
    approved_at timestamptz,
    completed_at timestamptz,
    accepted_at timestamptz,
    version integer NOT NULL
);
CREATE INDEX home_modifications_household ON home_modifications (household_id);
CREATE INDEX home_modifications_elder ON home_modifications (elder_id);

CREATE TABLE meal_points (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    type text NOT NULL CHECK (type IN ('CANTEEN', 'MEAL_POINT', 'MEAL_TABLE')),
    brand_project_id uuid,
    operator_institution_id uuid REFERENCES institutions (id),
    operator_org text,
    county_code text NOT NULL,
    township_code text NOT NULL,
    established_at timestamptz NOT NULL,
    capacity_per_slot integer NOT NULL CHECK (capacity_per_slot >= 1),
    slots jsonb NOT NULL,
    food_license_no text,
    status text NOT NULL CHECK (status IN ('OPEN', 'SUSPENDED', 'CLOSED')),
    version integer NOT NULL,
    CHECK (type <> 'CANTEEN' OR food_license_no IS NOT NULL)
);

-- When each point opened, was suspended, resumed or closed: a meal needs OPEN at served_at.
CREATE TABLE meal_point_status_history (
    meal_point_id uuid NOT NULL REFERENCES meal_points (id),
    seq bigserial,
    status text NOT NULL CHECK (status IN ('OPEN', 'SUSPENDED', 'CLOSED')),
    at timestamptz NOT NULL,
    PRIMARY KEY (meal_point_id, seq)
);

CREATE TABLE meals (
    id uuid PRIMARY KEY,
    meal_point_id uuid NOT NULL REFERENCES meal_points (id),
    elder_id uuid NOT NULL REFERENCES elders (id),
    served_at timestamptz NOT NULL,
    served_on date NOT NULL,            -- the Asia/Shanghai date of served_at
    slot text NOT NULL,
    verification_method text NOT NULL
        CHECK (verification_method IN ('FACE', 'CARD', 'QR', 'STAFF_PROXY')),
    price_minor bigint NOT NULL CHECK (price_minor >= 0),
    subsidy_minor bigint NOT NULL CHECK (subsidy_minor >= 0),
    paid_minor bigint NOT NULL CHECK (paid_minor >= 0),
    version integer NOT NULL,
    CHECK (price_minor = subsidy_minor + paid_minor),
    -- One meal per elder, slot and local date: concurrent requests make one meal.
    CONSTRAINT meals_one_per_slot UNIQUE (elder_id, served_on, slot)
);
CREATE INDEX meals_point_slot ON meals (meal_point_id, served_on, slot);

CREATE TABLE wristbands (
    id uuid PRIMARY KEY,
    code text NOT NULL UNIQUE,
    elder_id uuid NOT NULL REFERENCES elders (id),
    brand_project_id uuid NOT NULL,
    issued_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'DEACTIVATED')),
    deactivated_at timestamptz,
    reason_code text,
    version integer NOT NULL
);
CREATE UNIQUE INDEX wristbands_one_active ON wristbands (elder_id) WHERE status = 'ACTIVE';

-- Last-seen place and finder details are vault fields of the elder (行踪轨迹, sensitive).
CREATE TABLE missing_cases (
    id uuid PRIMARY KEY,
    elder_id uuid NOT NULL REFERENCES elders (id),
    county_code text NOT NULL,
    reported_at timestamptz NOT NULL,
    found_at timestamptz,
    outcome text,
    version integer NOT NULL
);
CREATE UNIQUE INDEX missing_cases_one_open ON missing_cases (elder_id) WHERE found_at IS NULL;

CREATE TABLE volunteer_corps (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    founded_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'DISSOLVED')),
    version integer NOT NULL
);

CREATE TABLE volunteer_branches (
    id uuid PRIMARY KEY,
    corps_id uuid NOT NULL REFERENCES volunteer_corps (id),
    name text NOT NULL,
    county_code text NOT NULL,
    leader_person_id uuid,
    founded_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'DISSOLVED')),
    dissolved_at timestamptz,
    CONSTRAINT volunteer_branches_name UNIQUE (corps_id, name)
);

-- Name, phone and birth date of a volunteer are vault fields.
CREATE TABLE volunteers (
    id uuid PRIMARY KEY,
    branch_id uuid NOT NULL REFERENCES volunteer_branches (id),
    age_band text NOT NULL,
    status text NOT NULL CHECK (status IN ('ACTIVE', 'LEFT')),
    enrolled_at timestamptz NOT NULL,
    left_at timestamptz,
    version integer NOT NULL
);
CREATE INDEX volunteers_branch ON volunteers (branch_id);

CREATE TABLE volunteer_services (
    id uuid PRIMARY KEY,
    volunteer_id uuid NOT NULL REFERENCES volunteers (id),
    branch_id uuid NOT NULL REFERENCES volunteer_branches (id),
    service_type text NOT NULL CHECK (service_type IN ('VISIT', 'MEAL_HELP', 'CLEANING',
        'COMPANIONSHIP', 'CULTURAL', 'ANTI_WANDERING')),
    started_at timestamptz NOT NULL,
    minutes integer NOT NULL CHECK (minutes BETWEEN 1 AND 720),
    elder_id uuid REFERENCES elders (id),
    institution_id uuid REFERENCES institutions (id),
    version integer NOT NULL,
    CHECK ((elder_id IS NULL) <> (institution_id IS NULL))
);
CREATE INDEX volunteer_services_volunteer ON volunteer_services (volunteer_id);
