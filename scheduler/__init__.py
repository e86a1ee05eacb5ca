"""Clock-driven jobs (APScheduler 3.x) that call services and fill the outbox."""
