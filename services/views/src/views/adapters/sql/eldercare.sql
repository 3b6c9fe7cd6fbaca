CREATE TABLE p_sites (
    site_id uuid PRIMARY KEY,
    filing_no text,
    name text NOT NULL,
    kind text NOT NULL,
    county_code text,
    township_code text,
    beds integer,
    status text NOT NULL,
    head_person_id uuid,
    registered_on date,
    version integer NOT NULL
);
CREATE TABLE p_elders (
    elder_id uuid PRIMARY KEY,
    age_band text,
    county_code text,
    township_code text,
    care_pillars text NOT NULL DEFAULT '',
    status text NOT NULL,
    institution_id uuid,
    registered_on date,
    version integer NOT NULL
);
CREATE INDEX ON p_elders (institution_id);
CREATE TABLE p_home_modifications (
    modification_id uuid PRIMARY KEY,
    household_id uuid,
    elder_id uuid,
    county_code text,
    status text NOT NULL,
    applied_on date,
    accepted_on date,
    subsidy_minor bigint,
    version integer NOT NULL
);
CREATE INDEX ON p_home_modifications (elder_id);
CREATE TABLE p_meal_points (
    meal_point_id uuid PRIMARY KEY,
    name text NOT NULL,
    type text NOT NULL,
    operator_institution_id uuid,
    county_code text,
    status text NOT NULL,
    established_on date NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_meals (
    meal_id uuid PRIMARY KEY,
    meal_point_id uuid NOT NULL,
    elder_id uuid NOT NULL,
    served_on date NOT NULL,
    slot text NOT NULL,
    subsidy_minor bigint NOT NULL
);
CREATE INDEX ON p_meals (elder_id);
CREATE INDEX ON p_meals (meal_point_id);
CREATE TABLE p_wristbands (
    wristband_id uuid PRIMARY KEY,
    elder_id uuid NOT NULL,
    status text NOT NULL,
    issued_on date NOT NULL,
    version integer NOT NULL
);
CREATE INDEX ON p_wristbands (elder_id);
CREATE TABLE p_missing_cases (
    case_id uuid PRIMARY KEY,
    elder_id uuid NOT NULL,
    reported_on date NOT NULL,
    found_on date,
    version integer NOT NULL
);
CREATE TABLE p_volunteer_corps (
    corps_id uuid PRIMARY KEY,
    name text NOT NULL,
    status text NOT NULL,
    founded_on date NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_volunteer_branches (
    branch_id uuid PRIMARY KEY,
    corps_id uuid NOT NULL,
    name text NOT NULL,
    county_code text,
    status text NOT NULL,
    founded_on date NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_volunteers (
    volunteer_id uuid PRIMARY KEY,
    branch_id uuid NOT NULL,
    status text NOT NULL,
    version integer NOT NULL
);
CREATE TABLE p_volunteer_services (
    record_id uuid PRIMARY KEY,
    volunteer_id uuid NOT NULL,
    branch_id uuid NOT NULL,
    service_type text NOT NULL,
    elder_id uuid,
    institution_id uuid,
    served_on date NOT NULL,
    minutes integer NOT NULL
);
CREATE INDEX ON p_volunteer_services (elder_id);
CREATE INDEX ON p_volunteer_services (institution_id);
