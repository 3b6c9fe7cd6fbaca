-- The relay deletes a row once Kafka acknowledges it (it no longer marks and keeps it), so
-- no row is ever published and present: the index over published rows only cost writes.
DROP INDEX IF EXISTS outbox_published_at;
