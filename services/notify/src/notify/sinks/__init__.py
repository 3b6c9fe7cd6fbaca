"""Dev delivery sinks: ``python -m notify.sinks`` (never forwards anything to real people)."""
