"""The PIN lockout across restarts, as time arithmetic with the clock and the boot id passed in:
a restart never shortens a lock, a reboot restarts the clock without shortening it either, a
wall-clock jump changes nothing, a lasting lock is written down as it runs, and a damaged
file locks rather than opens."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.staff.events import Digit, Open, PinChecked, Submit
from kiosk.staff.jobs import InlineJobs
from kiosk.staff.lockout import LOCKOUT_S, MAX_FAILURES, PinGate
from kiosk.staff.lockout_store import CHECKPOINT_S, LOCKOUT_FILE, LockoutStore
from kiosk.staff.mode import StaffMode
from kiosk.staff.pin import hash_pin, parse_pin_hash
from tests.kiosk.test_staff_mode import FakeFeed  # the content feed staff mode reads


def store(tmp_path: Path, boot: str = "boot-a", wall: datetime | None = None) -> LockoutStore:
    when = wall or datetime(2026, 3, 2, 10, 30).astimezone()
    return LockoutStore(tmp_path / LOCKOUT_FILE, boot_id=boot, wall=lambda: when)


def saved(tmp_path: Path, gate: PinGate, now: float, **kwargs: object) -> None:
    s = store(tmp_path, **kwargs)  # type: ignore[arg-type]
    s.save(gate, now)
    s.close()


def test_no_file_is_no_lock(tmp_path: Path) -> None:
    assert store(tmp_path).load(5.0) == PinGate()


def test_wrong_pins_so_far_are_kept(tmp_path: Path) -> None:
    saved(tmp_path, PinGate(3), 100.0)
    assert store(tmp_path, "boot-b").load(1.0) == PinGate(3)


def test_same_boot_the_lock_ends_exactly_when_it_would_have(tmp_path: Path) -> None:
    saved(tmp_path, PinGate(MAX_FAILURES, 400.0), 100.0)  # 300 s left at 100
    gate = store(tmp_path, "boot-a").load(160.0)  # systemd restarted it a minute later
    assert gate.locked(160.0) and gate.seconds_left(160.0) == pytest.approx(240.0)
    assert not store(tmp_path, "boot-a").load(400.0).locked(400.0)


def test_another_boot_keeps_the_time_left_never_less(tmp_path: Path) -> None:
    saved(tmp_path, PinGate(MAX_FAILURES, 400.0), 250.0)  # 150 s left when written
    gate = store(tmp_path, "boot-b").load(2.0)  # after a reboot the clock starts near 0
    assert gate.seconds_left(2.0) == pytest.approx(150.0)
    assert gate.failures == MAX_FAILURES


@pytest.mark.parametrize("jump", [timedelta(days=-3650), timedelta(days=365), timedelta(0)])
def test_a_wall_clock_jump_changes_nothing(tmp_path: Path, jump: timedelta) -> None:
    written = datetime(2026, 3, 2, 10, 30).astimezone()
    saved(tmp_path, PinGate(MAX_FAILURES, 300.0), 100.0, wall=written)
    gate = store(tmp_path, "boot-b", wall=written + jump).load(1.0)
    assert gate.seconds_left(1.0) == pytest.approx(200.0)


def test_a_file_never_makes_a_lock_longer_than_the_lockout(tmp_path: Path) -> None:
    (tmp_path / LOCKOUT_FILE).write_text(
        json.dumps({"failures": 5, "lock_left_s": 1e9, "boot": "x", "at_monotonic": 0.0})
    )
    assert store(tmp_path, "boot-b").load(1.0).seconds_left(1.0) == LOCKOUT_S


@pytest.mark.parametrize(
    "text",
    ["", "{", "[]", '{"failures": "5"}', '{"failures": 5, "lock_left_s": -1, "at_monotonic": 0}',
     '{"failures": 5, "lock_left_s": NaN, "at_monotonic": 0}', "\x00\x00"],
)  # fmt: skip
def test_a_damaged_file_locks_the_keypad_rather_than_opening_it(
    tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / LOCKOUT_FILE).write_text(text)
    gate = store(tmp_path).load(10.0)
    assert gate.locked(10.0) and gate.seconds_left(10.0) == LOCKOUT_S
    assert any("cannot be read" in r.message for r in caplog.records)


def test_a_lock_that_ran_out_before_the_restart_is_gone_with_its_count(tmp_path: Path) -> None:
    saved(tmp_path, PinGate(MAX_FAILURES, 400.0), 100.0)
    assert store(tmp_path, "boot-a").load(500.0) == PinGate()


def test_a_folder_that_cannot_be_written_is_logged_and_the_lock_still_holds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "gone").write_text("a file where the data folder should be")
    s = LockoutStore(tmp_path / "gone" / LOCKOUT_FILE, boot_id="boot-a", wall=datetime.now)
    s.save(PinGate(MAX_FAILURES, 300.0), 0.0)
    s.save(PinGate(MAX_FAILURES, 300.0), 30.0)
    s.close()
    errors = [r for r in caplog.records if "cannot write" in r.message]
    assert len(errors) == 1, "said once, not at every write"


# --- staff mode writes it down ------------------------------------------------------------------


def staff(tmp_path: Path, now: float, boot: str = "boot-a") -> StaffMode:
    from kiosk.staff.backend import CabinetBackend
    from kiosk.staff.content import ContentKeeper
    from prescriptions.live import ReloadResult
    from prescriptions.model import Content

    backend = CabinetBackend(
        ledger=None,
        cabinet=None,
        dispensing_fault=lambda: None,
        content=ContentKeeper(FakeFeed(ReloadResult(True, (), tmp_path)), Content),
        monitor=None,
        simulated=True,
    )
    return StaffMode(
        backend,
        InlineJobs(),
        parse_pin_hash(hash_pin("2468", iterations=1000)),
        lockout=store(tmp_path, boot),
        now=now,
    )


def wrong_pin(mode: StaffMode, now: float) -> None:
    for digit in (0, 0, 0, 0):
        mode.handle(Digit(digit), now)
    mode.handle(Submit(), now)
    mode.tick(now)  # the check's answer (InlineJobs: already there)


def on_disk(tmp_path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((tmp_path / LOCKOUT_FILE).read_text())
    return loaded


def test_every_wrong_pin_is_written_and_a_lasting_lock_is_written_as_it_runs(
    tmp_path: Path,
) -> None:
    mode = staff(tmp_path, 0.0)
    mode.handle(Open(), 0.0)
    for n in range(MAX_FAILURES):
        wrong_pin(mode, 1.0 + n)
        assert mode.lockout is not None and mode.lockout.flush()
        assert on_disk(tmp_path)["failures"] == n + 1
    assert on_disk(tmp_path)["lock_left_s"] == LOCKOUT_S  # locked at 5.0
    mode.tick(70.0)  # the keypad closed itself (a minute unattended)
    assert not mode.active
    later = 70.0 + CHECKPOINT_S
    mode.watch(later)  # closed, yet the lock is written down as it runs
    assert mode.lockout is not None and mode.lockout.flush()
    assert on_disk(tmp_path)["lock_left_s"] == pytest.approx(LOCKOUT_S - (later - 5.0))
    mode.watch(later + 1.0)  # not every frame
    assert mode.lockout.flush()
    assert on_disk(tmp_path)["lock_left_s"] == pytest.approx(LOCKOUT_S - (later - 5.0))
    mode.close()  # a clean stop writes the time worked off so far
    assert on_disk(tmp_path)["lock_left_s"] == pytest.approx(LOCKOUT_S - (later + 1.0 - 5.0))
    # Restarted after a reboot: the rest of the lock, not five fresh guesses.
    again = staff(tmp_path, 1.0, boot="boot-b")
    assert again.state.gate.locked(1.0)
    again.handle(Open(), 1.0)
    again.handle(PinChecked(True), 1.0)
    assert not again.state.inside
    again.close()


def test_a_lock_that_runs_out_while_staff_mode_is_closed_is_forgotten_on_disk_too(
    tmp_path: Path,
) -> None:
    mode = staff(tmp_path, 0.0)
    mode.handle(Open(), 0.0)
    for n in range(MAX_FAILURES):
        wrong_pin(mode, 1.0 + n)
    mode.watch(5.0 + LOCKOUT_S)
    assert mode.state.gate == PinGate()
    mode.close()
    assert on_disk(tmp_path)["failures"] == 0 and on_disk(tmp_path)["lock_left_s"] == 0
