-- Bookkeeping every table set has: the per-aggregate version guard and the consumed positions.
CREATE TABLE p_versions (
    aggregate text NOT NULL,
    aggregate_id text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (aggregate, aggregate_id)
);
CREATE TABLE p_checkpoints (
    topic text NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, kafka_partition)
);
