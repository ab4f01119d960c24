"""Liaison's front ends: the Qt desktop app and the ``liaison`` command line."""
