"""Calendar invites: per-recipient iTIP content, the exactly-once outbox, mail transports."""
