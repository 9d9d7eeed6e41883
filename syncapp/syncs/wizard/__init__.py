"""The sync setup wizard: choose an object, configure, map fields, limit, review."""
