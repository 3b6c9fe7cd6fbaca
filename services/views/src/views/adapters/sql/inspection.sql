CREATE TABLE p_campaigns (
    campaign_id uuid PRIMARY KEY,
    code text NOT NULL,
    name text NOT NULL,
    kind text,
    start_on date NOT NULL,
    end_on date,
    status text NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_cadence_requirements (
    person_id uuid NOT NULL,
    cadence text NOT NULL,
    effective_from date NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (person_id, cadence)
);
CREATE TABLE p_cadence_breaches (
    person_id uuid NOT NULL,
    period_key text NOT NULL,
    period_kind text NOT NULL,
    period_start_on date NOT NULL,
    period_end_on date NOT NULL,
    PRIMARY KEY (person_id, period_key)
);
CREATE TABLE p_inspections (
    inspection_id uuid PRIMARY KEY,
    inspection_no text,
    site_id uuid,
    type text,
    campaign_id uuid,
    lead_person_id uuid,
    status text NOT NULL,
    planned_on date,
    completed_on date,
    hazards_found integer,
    version integer NOT NULL
);
CREATE INDEX ON p_inspections (site_id);
CREATE INDEX ON p_inspections (completed_on);
CREATE TABLE p_inspection_people (
    inspection_id uuid NOT NULL,
    person_id uuid NOT NULL,
    role text NOT NULL,
    PRIMARY KEY (inspection_id, person_id)
);
CREATE INDEX ON p_inspection_people (person_id);
CREATE TABLE p_hazards (
    hazard_id uuid PRIMARY KEY,
    hazard_no text,
    site_id uuid NOT NULL,
    inspection_id uuid,
    campaign_id uuid,
    level text NOT NULL,
    category text NOT NULL,
    status text NOT NULL,
    found_on date NOT NULL,
    deadline_on date,
    responsible_person_id uuid,
    escalation_level integer NOT NULL DEFAULT 0,
    extension_count integer NOT NULL DEFAULT 0,
    rework_count integer NOT NULL DEFAULT 0,
    submitted_on date,
    verified_on date,
    version integer NOT NULL
);
CREATE INDEX ON p_hazards (site_id);
CREATE TABLE p_drills (
    drill_id uuid PRIMARY KEY,
    site_id uuid,
    drill_type text,
    status text NOT NULL,
    planned_on date,
    held_on date,
    participants integer,
    version integer NOT NULL
);
CREATE INDEX ON p_drills (site_id);
CREATE TABLE p_safety_talks (
    talk_id uuid PRIMARY KEY,
    venue_site_id uuid,
    format text NOT NULL,
    held_on date NOT NULL,
    audience_count integer NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_work_notices (
    notice_id uuid PRIMARY KEY,
    notice_no text NOT NULL,
    title text NOT NULL,
    issued_on date NOT NULL,
    ack_due_on date,
    require_ack boolean NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_work_notice_targets (
    notice_id uuid NOT NULL,
    site_id uuid NOT NULL,
    acked_on date,
    PRIMARY KEY (notice_id, site_id)
);
CREATE INDEX ON p_work_notice_targets (site_id);
CREATE TABLE p_safety_meetings (
    meeting_id uuid PRIMARY KEY,
    kind text NOT NULL,
    held_on date NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_surveys (
    survey_id uuid PRIMARY KEY,
    scale text NOT NULL,
    status text NOT NULL,
    launched_on date,
    completed_on date,
    problems_registered integer,
    version integer NOT NULL
);
CREATE TABLE p_problems (
    problem_id uuid PRIMARY KEY,
    source text NOT NULL,
    survey_id uuid,
    county_code text,
    category text,
    status text NOT NULL,
    registered_on date NOT NULL,
    resolved_on date,
    confirmed_on date,
    version integer NOT NULL
);
