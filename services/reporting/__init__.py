"""reporting: a read model built from events, reports and digests for leadership."""
