-- The W3C trace context (traceparent, tracestate) of whatever created the notification: the
-- consumer handling the trigger event, or the manual-send request. Each delivery attempt's span
-- continues it, so a send appears in the trace of the command that caused it (DECISIONS §8).
ALTER TABLE notifications ADD COLUMN trace_context jsonb;
