"""Tests of the window's panes."""
