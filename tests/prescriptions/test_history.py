"""The recent-prescriptions history survives restarts and never stops the kiosk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prescriptions.history import HISTORY_FILE, JsonHistory, MemoryHistory


def test_history_survives_a_restart(tmp_path: Path) -> None:
    first = JsonHistory.in_data_dir(tmp_path, window=3)
    for pid in ["a", "b", "c", "d"]:
        first.record(pid)
    again = JsonHistory.in_data_dir(tmp_path, window=3)
    assert again.recent() == ("b", "c", "d")


def test_a_smaller_window_after_a_restart_keeps_the_newest(tmp_path: Path) -> None:
    first = JsonHistory.in_data_dir(tmp_path, window=5)
    for pid in ["a", "b", "c", "d"]:
        first.record(pid)
    assert JsonHistory.in_data_dir(tmp_path, window=2).recent() == ("c", "d")


def test_window_zero_remembers_nothing_and_writes_nothing(tmp_path: Path) -> None:
    history = JsonHistory.in_data_dir(tmp_path, window=0)
    history.record("a")
    assert history.recent() == ()
    assert not (tmp_path / HISTORY_FILE).exists()


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"recent": [1, 2]}', b"[]", b"\xff\xfe"])
def test_a_damaged_file_starts_an_empty_history(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / HISTORY_FILE).write_bytes(damage)
    history = JsonHistory.in_data_dir(tmp_path, window=3)
    assert history.recent() == ()
    history.record("a")
    assert json.loads((tmp_path / HISTORY_FILE).read_text())["recent"] == ["a"]


def test_saving_leaves_no_temporary_files_and_the_file_readable_by_others(
    tmp_path: Path,
) -> None:
    history = JsonHistory.in_data_dir(tmp_path / "new-dir", window=3)
    history.record("a")
    history.record("b")
    assert sorted(p.name for p in (tmp_path / "new-dir").iterdir()) == [HISTORY_FILE]
    assert os.stat(tmp_path / "new-dir" / HISTORY_FILE).st_mode & 0o044 == 0o044


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_data_dir_is_logged_not_raised(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        history = JsonHistory.in_data_dir(tmp_path, window=3)
        history.record("a")
        assert history.recent() == ("a",)
    finally:
        tmp_path.chmod(0o700)


def test_an_unwritable_history_path_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    history = JsonHistory.in_data_dir(blocker, window=3)
    history.record("a")
    assert history.recent() == ("a",)
    assert "could not save" in caplog.text


def test_memory_history_keeps_the_window() -> None:
    history = MemoryHistory(2, ["x", "y", "z"])
    assert history.recent() == ("y", "z")
    history.record("w")
    assert history.recent() == ("z", "w")
