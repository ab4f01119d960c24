"""Tests of the desktop package (CLI and Qt app)."""
