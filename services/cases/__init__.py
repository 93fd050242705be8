"""cases: tracks each case to resolution; owns units, users and deadlines."""
