"""Shared fixtures and helpers for the tests."""
