-- The payload is published exactly as the service serialised it: json keeps the text as written
-- (still checked to be JSON), where jsonb parsed it on every INSERT and rendered it back to text
-- on every relay read, a good part of the database's work per event.
ALTER TABLE outbox ALTER COLUMN payload TYPE json USING payload::json;
