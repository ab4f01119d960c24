"""Tests of the frozen app (PyInstaller bundle) built from ``build/``."""
