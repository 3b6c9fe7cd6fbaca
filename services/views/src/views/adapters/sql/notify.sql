CREATE TABLE p_notifications (
    notification_id uuid PRIMARY KEY,
    source_event_id uuid,
    source_event_type text,
    recipient_person_id uuid,
    channel text,
    template_code text,
    priority text,
    status text NOT NULL,
    sent_at timestamptz,
    sent_on date,
    failed_attempts integer NOT NULL DEFAULT 0,
    last_error_class text,
    acked_at timestamptz,
    version integer NOT NULL
);
