"""Tests of the desktop window: models, rendering, and the real window driven with pytest-qt."""
