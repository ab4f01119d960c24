"""Tests of the db package."""
