"""Live update: new content only after it passes; a broken file never replaces good content."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prescriptions.checks import FitCheck
from prescriptions.history import MemoryHistory
from prescriptions.live import ContentStore, ReloadResult
from prescriptions.model import Content, Intensity, Prescription
from prescriptions.selection import Selector
from tests.prescriptions.helpers import GOOD, GOOD_MINIMUMS, copy_of, fake_fits

PHRASE = "오늘 누군가에게 안부를 물어보세요."


def _store(
    directory: Path,
    snapshot: Path | None = None,
    fits_for: Callable[[Content], FitCheck] = lambda _c: fake_fits,
) -> ContentStore:
    return ContentStore(directory, fits_for=fits_for, minimums=GOOD_MINIMUMS, snapshot_dir=snapshot)


def _edit(directory: Path, old: str, new: str) -> None:
    path = directory / "prescriptions" / "loneliness.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_broken_file_during_a_live_update_leaves_the_old_content_serving(
    tmp_path: Path,
) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    store = _store(content_dir)
    assert store.start().accepted
    good = store.content
    assert good is not None

    _edit(content_dir, f'phrase = "{PHRASE}"', 'phrase = "따옴표를 닫지 않았어요')
    assert store.changed()
    result = store.reload_if_changed()
    assert result is not None and not result.accepted
    assert [(i.file, i.code) for i in result.issues] == [
        ("prescriptions/loneliness.toml", "toml-syntax")
    ]
    assert store.content is good
    assert store.generation == 1
    # the kiosk keeps choosing from the old content
    choice = Selector(store.content, MemoryHistory(0), random.Random(1)).choose(
        "lone-wolf-virus", Intensity.LOW, {1: "candy"}
    )
    assert choice.prescription.id.startswith("lonely-")
    assert not store.changed()  # refused once; not retried until the files change again


def test_fixed_content_is_taken_on_the_next_change(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    store = _store(content_dir)
    store.start()
    _edit(content_dir, f'phrase = "{PHRASE}"', 'phrase = "고장')
    store.reload_if_changed()
    _edit(content_dir, 'phrase = "고장', 'phrase = "안부를 물어보세요."')
    result = store.reload_if_changed()
    assert result == ReloadResult(True, (), content_dir)
    assert store.content is not None
    assert store.content.prescription("lonely-001").phrase.get("ko") == "안부를 물어보세요."
    assert store.generation == 2


def test_content_that_loads_but_fails_a_check_is_refused_too(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    store = _store(content_dir)
    store.start()
    _edit(content_dir, PHRASE, "x" * 80)  # too long for the card
    result = store.reload()
    assert [i.code for i in result.issues] == ["card-overflow"]
    assert store.content is not None
    assert store.content.prescription("lonely-001").phrase.get("ko") == PHRASE


def test_changed_notices_edits_touches_new_and_removed_files(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    store = _store(content_dir)
    store.start()
    assert not store.changed()
    fine = content_dir / "prescriptions" / "fine.toml"
    stat = fine.stat()
    os.utime(fine, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert store.changed()
    store.reload()
    (content_dir / "prescriptions" / "extra.toml").write_text("")
    assert store.changed()
    store.reload()
    (content_dir / "prescriptions" / "extra.toml").unlink()
    assert store.changed()


def test_a_restart_on_broken_files_serves_the_last_good_copy(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    snapshot = tmp_path / "data" / "content-last-good"
    first = _store(content_dir, snapshot)
    assert first.start().accepted
    assert first.confirm(first.generation)  # the kiosk drew it
    _edit(content_dir, f'phrase = "{PHRASE}"', "phrase = ")  # broken while the kiosk is off

    (snapshot.parent / ".content-staging-left-by-a-power-cut").mkdir()
    restarted = _store(content_dir, snapshot)
    result = restarted.start()
    assert not result.accepted
    assert result.source == snapshot
    assert restarted.content is not None
    assert restarted.content.prescription("lonely-001").phrase.get("ko") == PHRASE
    assert sorted(p.name for p in snapshot.parent.iterdir()) == ["content-last-good"]


def test_without_any_good_content_there_is_none_to_serve(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    (content_dir / "items.toml").unlink()
    store = _store(content_dir, tmp_path / "data" / "snapshot")
    assert not store.start().accepted
    assert store.content is None


def test_a_check_that_crashes_refuses_the_update_instead_of_stopping(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    crash = threading.Event()

    def fits(prescription: Prescription, lang: str) -> str | None:
        if crash.is_set():
            raise RuntimeError("font went away")
        return None

    store = _store(content_dir, fits_for=lambda _c: fits)
    store.start()
    good = store.content
    crash.set()
    result = store.reload()
    assert [i.code for i in result.issues] == ["check-failed"]
    assert store.content is good


@dataclass
class ScriptedStop:
    """Stands in for threading.Event in `watch`: runs one scripted step per wait."""

    steps: list[Callable[[], None]]
    waits: list[float] = field(default_factory=list)

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        if not self.steps:
            return True
        self.steps.pop(0)()
        return False


def test_the_watcher_reloads_on_change_and_survives_bad_files(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    store = _store(content_dir)
    store.start()
    reports: list[bool] = []
    stop = ScriptedStop(
        [
            lambda: None,  # nothing changed: no reload
            lambda: _edit(content_dir, f'phrase = "{PHRASE}"', 'phrase = "고장'),
            lambda: _edit(content_dir, 'phrase = "고장', 'phrase = "새 문구예요."'),
        ]
    )
    store.watch(stop, interval=2.0, report=lambda r: reports.append(r.accepted))
    assert reports == [False, True]
    assert stop.waits == [2.0] * 4
    assert store.content is not None
    assert store.content.prescription("lonely-001").phrase.get("ko") == "새 문구예요."


def test_reading_the_content_never_waits_for_a_reload(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    inside, proceed = threading.Event(), threading.Event()
    slow = threading.Event()

    def fits(prescription: Prescription, lang: str) -> str | None:
        if slow.is_set():
            inside.set()
            assert proceed.wait(timeout=10)
        return None

    store = _store(content_dir, fits_for=lambda _c: fits)
    store.start()
    before = store.content
    slow.set()
    _edit(content_dir, PHRASE, "새 문구예요.")
    worker = threading.Thread(target=store.reload)
    worker.start()
    try:
        assert inside.wait(timeout=10)
        assert store.content is before  # answered while the reload is halfway
    finally:
        proceed.set()
        worker.join(timeout=10)
    assert store.content is not before


def test_checked_content_is_the_last_good_copy_only_once_it_was_drawn(tmp_path: Path) -> None:
    content_dir = copy_of(GOOD, tmp_path)
    snapshot = tmp_path / "data" / "content-last-good"
    first = _store(content_dir, snapshot)
    assert first.start().accepted
    assert first.confirm(first.generation)
    _edit(content_dir, f'phrase = "{PHRASE}"', 'phrase = "새 문장이에요."')
    assert first.reload().accepted  # checked, served, but never drawn (the kiosk went down)
    assert first.unconfirmed == first.generation
    assert not first.confirm(first.generation - 1)  # an older generation confirms nothing

    restarted = _store(content_dir, snapshot)
    _edit(content_dir, 'phrase = "새 문장이에요."', "phrase = ")  # and now the files are broken
    assert not restarted.start().accepted
    assert restarted.content is not None
    assert restarted.content.prescription("lonely-001").phrase.get("ko") == PHRASE
