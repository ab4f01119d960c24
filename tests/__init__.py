"""Liaison's test suite; the tree mirrors the packages (tests/db, tests/desktop, …)."""
