"""Test configuration: Qt runs offscreen, fixtures come from tests/helpers.

The test process ends with :func:`os._exit` once pytest has reported, with pytest's own
exit status: PySide6 objects still alive when the interpreter finalizes are collected
after Qt's statics are gone, and a window test followed by a library job then aborted the
process ("bool_dealloc … refcount error in a C extension") after every test had passed.
The app itself never exits this way: its own shutdown is tested through subprocesses
(``liaison gui --smoke``, the frozen bundle).
"""

import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.helpers.fixtures", "tests.helpers.gui"]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remember pytest's exit status for :func:`pytest_unconfigure`."""
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave as soon as pytest has reported, before the interpreter finalizes."""
    status = config.stash.get(_EXIT_STATUS, None)
    if status is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


_EXIT_STATUS = pytest.StashKey[int]()
