"""Test configuration: Qt runs offscreen, fixtures come from tests/helpers."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.helpers.fixtures", "tests.helpers.gui"]
