"""Use cases: load rows, call the domain, change rows, write the audit entry."""
