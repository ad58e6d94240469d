"""Fixtures for the fault-injection tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder any user can enter (pytest's own tmp_path is closed to all but root)."""
    path = Path(tempfile.mkdtemp(prefix="maeum-faults-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
