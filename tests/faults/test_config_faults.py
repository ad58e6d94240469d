"""Fault injection around the machine configuration and the first minutes of a new machine,
as visitors, staff and technicians meet them (issue #11):

- a configuration the kiosk cannot read (not its user's to read, a folder, a link to nothing,
  not UTF-8, a NUL byte): every command says which file and what to do, never a traceback,
  and the kiosk itself still comes up on the out-of-service screen with the help lines;
- `sudo python main.py staff-pin` keeps the file's owner, group and mode, so the kiosk's user
  can still read it;
- five wrong PINs keep the keypad locked across a restart (and a reboot);
- `python main.py stock` on a new machine lists the configured slots and takes refills;
- `python main.py demo` without a content folder saves the out-of-service screen it shows and
  says why no visit could be scripted.

Each test says what the visitor sees, what staff or the technician are told, and that nothing
already recorded is lost. Bounded: forked children with a timeout, time passed in, no sleeps.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pygame
import pytest

from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import Ledger
from kiosk.shell.config import load_config
from kiosk.shell.runtime import Runtime
from kiosk.staff.pin import parse_pin_hash, verify_pin
from kiosk.ui.i18n import Translations
from kiosk.visit.flow import Screen
from tests.faults.configs import KINDS, SLOTS, a_ledger_with_history, broken_config, config_text
from tests.faults.support import NOBODY, cli_as, run_as

CLEAN_ENV = {"MAEUM_DATA_DIR": "", "MAEUM_CONFIG": ""}


def t(key: str, lang: str = "ko", **values: object) -> str:
    return Translations.load(("ko", "en")).text(lang, key, **values)


# --- a configuration nobody can use ------------------------------------------------------------


COMMANDS: dict[str, tuple[list[str], str]] = {
    # name -> (arguments after the command, standard input)
    "run": ([], ""),
    "demo": (["--out", "{out}"], ""),
    "stock": ([], ""),
    "stats": ([], ""),
    "staff-pin": (["--stdin"], "1357\n1357\n"),
    "hwtest": (["--yes"], ""),
    "content": (["check"], ""),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_command_names_an_unusable_configuration_and_what_to_do(
    kind: str, open_dir: Path
) -> None:
    path, user = broken_config(kind, open_dir)
    before = path.read_bytes() if path.is_file() else None
    data = open_dir / "data"
    ledger = a_ledger_with_history(data)
    for name, (extra, stdin) in COMMANDS.items():
        extra = [a.replace("{out}", str(open_dir / "shots")) for a in extra]
        ran = cli_as([name, *extra, "--config", str(path)], uid=user, stdin=stdin, env=CLEAN_ENV)
        assert "Traceback" not in ran.err, f"{name}: {ran.err}"
        assert ran.status != 0, f"{name} went on with an unusable configuration: {ran.said}"
        assert str(path) in ran.said, f"{name} does not name the file: {ran.said}"
        for words in KINDS[kind]:
            assert words.lower() in ran.said.lower(), f"{name} does not say {words!r}: {ran.said}"
    # Nothing recorded is lost: the file and the ledger are as they were.
    if before is not None:
        assert path.read_bytes() == before
    assert (data / LEDGER_FILE).read_bytes() == ledger


def test_a_device_configuration_closed_to_this_user_is_reported_not_passed_over(
    open_dir: Path,
) -> None:
    """With no --config the device file is used; one this user may not even look at must not
    silently give the built-in simulation (or a traceback)."""
    from kiosk.shell import config as config_module

    closed = open_dir / "etc"
    closed.mkdir()
    (closed / "kiosk.toml").write_text(config_text(open_dir / "data"), encoding="utf-8")
    closed.chmod(0o750)  # root:root 0750, as /etc/maeum-kiosk is to anyone outside its group

    def load() -> int:
        config_module.DEVICE_CONFIG = closed / "kiosk.toml"
        try:
            load_config(None, {})
        except Exception as exc:  # the test reads what it was
            print(f"{type(exc).__name__}: {exc}")
            return 1
        print("loaded")
        return 0

    ran = run_as(load, uid=NOBODY)
    assert ran.status == 1, ran.said
    assert ran.out.startswith("ConfigError:") and str(closed / "kiosk.toml") in ran.out


# --- staff-pin as root --------------------------------------------------------------------------


def test_staff_pin_by_root_keeps_owner_group_and_mode_so_the_kiosk_can_still_read_it(
    open_dir: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("the owner can only be kept (and checked) by root")
    path = open_dir / "kiosk.toml"
    path.write_text(config_text(open_dir / "data"), encoding="utf-8")
    os.chown(path, NOBODY, NOBODY)  # the kiosk's user and group, as on the device
    path.chmod(0o640)
    ran = cli_as(["staff-pin", "--stdin", "--config", str(path)], stdin="1357\n1357\n")
    assert ran.status == 0, ran.said
    assert "Restart the kiosk" in ran.out
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o640)

    # The kiosk's user reads the new PIN; every other line is as it was.
    def read_pin() -> int:
        stored = load_config(str(path), {}).staff.pin_hash
        print("right" if verify_pin("1357", parse_pin_hash(stored)) else "wrong")
        return 0

    assert run_as(read_pin, uid=NOBODY).out.strip() == "right"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:-1] == config_text(open_dir / "data").splitlines()[:-1]
    assert not [p for p in open_dir.iterdir() if p.name.startswith(".kiosk.toml")], "no leftovers"


def test_staff_pin_by_a_user_who_cannot_keep_the_owner_changes_nothing(open_dir: Path) -> None:
    """Only root can hand a file to someone else: anyone else is refused before the rename,
    with the way out (sudo), and the file stays exactly as it was."""
    folder = open_dir / "etc"
    folder.mkdir()
    folder.chmod(0o777)  # the user may write in the folder, so only the owner stops it
    path = folder / "kiosk.toml"
    path.write_text(config_text(open_dir / "data"), encoding="utf-8")
    os.chown(path, 0, NOBODY)
    path.chmod(0o664)
    before = path.read_bytes()
    ran = cli_as(["staff-pin", "--stdin", "--config", str(path)], uid=NOBODY, stdin="1357\n1357\n")
    assert ran.status == 2 and "Traceback" not in ran.err, ran.said
    assert "only root can keep that owner" in ran.err and "sudo" in ran.err
    assert path.read_bytes() == before and path.stat().st_uid == 0
    assert [p.name for p in folder.iterdir()] == ["kiosk.toml"], "no temporary file left"


def test_staff_pin_through_a_link_keeps_the_link_and_the_file_it_points_to(
    open_dir: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("the owner can only be kept (and checked) by root")
    real = open_dir / "data-partition.toml"
    real.write_text(config_text(open_dir / "data"), encoding="utf-8")
    os.chown(real, 0, NOBODY)
    real.chmod(0o640)
    link = open_dir / "kiosk.toml"
    link.symlink_to(real)
    ran = cli_as(["staff-pin", "--stdin", "--config", str(link)], stdin="1357\n1357\n")
    assert ran.status == 0, ran.said
    assert link.is_symlink() and link.resolve() == real
    info = real.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (0, NOBODY, 0o640)
    assert "pbkdf2_sha256$" in real.read_text(encoding="utf-8")


# --- the kiosk with an unreadable configuration: what the visitor sees --------------------------


def kiosk_that_refuses(problem: str, size: tuple[int, int]) -> Runtime:
    """What `run` builds when the configuration cannot be used (kiosk.commands.run)."""
    from kiosk.commands.run import refusing_runtime
    from kiosk.shell.config_fallback import fallback_config, unusable_configuration
    from tests.kiosk.ui_support import fonts

    config = fallback_config(problem, size)
    return refusing_runtime(config, 0.0, unusable_configuration(problem), fonts=fonts())


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_kiosk_with_an_unusable_configuration_shows_out_of_service_and_the_help_lines(
    kind: str, open_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from kiosk.shell.errors import ConfigError

    path, user = broken_config(kind, open_dir)

    def reason() -> int:
        try:
            load_config(str(path), {})
        except ConfigError as exc:
            print(exc)
            return 0
        return 1

    ran = run_as(reason, uid=user)  # what the kiosk's own user gets
    assert ran.status == 0, ran.said
    rt = kiosk_that_refuses(ran.out.strip(), (1024, 600))
    surface = pygame.Surface((1024, 600))
    assert rt.app.frame(surface, [], 0.0)
    assert rt.session.state.screen is Screen.OUT_OF_SERVICE
    said = " ".join(b.source for b in rt.app.page.text_blocks())
    for key in ("out_of_service.title", "help.line_120", "help.line_109", "footer.hotline"):
        assert t(key) in said, key
    assert "help" in {b.name for b in rt.app.page.buttons}
    assert not rt.dispenser.simulated, "never a silent simulation instead of the real machine"
    rt.app.press("help", 5.0)
    assert rt.session.state.screen is Screen.HELP
    assert any("OUT OF SERVICE" in r.message and str(path) in r.message for r in caplog.records)
    rt.close()


def test_run_with_an_unusable_configuration_stays_up_instead_of_crash_looping(
    open_dir: Path,
) -> None:
    """The real frame loop on the fallback kiosk: READY after the first frame, the watchdog
    fed, systemd's status says why, and a stop ends it with status 0 (no restart storm)."""
    from kiosk.shell.loop import Shell
    from kiosk.shell.shutdown import ShutdownCoordinator
    from tests.kiosk.test_shell import CountingSleep, FakeNotifier

    path, _ = broken_config("folder", open_dir)
    reason = f"{path}: is a folder, not a file"
    pygame.display.init()
    surface = pygame.display.set_mode((800, 480))
    rt = kiosk_that_refuses(reason, (800, 480))
    notifier = FakeNotifier(rt)
    shutdown = ShutdownCoordinator(signals=())
    sleeper = CountingSleep(shutdown, 5, [])  # five turns of the loop, then a stop
    frames = iter(range(10_000))
    shell = Shell(rt, surface, False, notifier, shutdown, sleeper)
    status = shell.run(clock=lambda: float(next(frames)))
    assert status == 0
    assert notifier.log[0] == "READY after 1 frame(s)"
    assert f"STATUS OUT OF SERVICE: configuration: {reason}" in notifier.log
    assert notifier.log.count("WATCHDOG") >= 5
    pygame.display.quit()


# --- the lockout across a restart ---------------------------------------------------------------


def test_five_wrong_pins_stay_locked_across_a_restart_and_a_reboot(open_dir: Path) -> None:
    from tests.faults.kiosks import staff_kiosk

    data = open_dir / "data"
    first = staff_kiosk(data, now=1000.0, boot="boot-a")
    first.service_button()
    for _ in range(5):
        first.log_in("0000")
    assert first.staff.state.gate.locked(first.now)
    first.close()

    # The kiosk restarted 10 s later in the same boot (systemd): 5 minutes minus 10 s left.
    again = staff_kiosk(data, now=first.now + 10.0, boot="boot-a")
    again.service_button()
    assert again.staff.state.gate.locked(again.now)
    assert not {"key:1", "ok"} & again.buttons(), "the keys stay gone"
    said = again.said()
    assert t("staff.pin.locked", minutes=5) in said
    assert {"help", "cancel"} <= again.buttons() and t("footer.hotline") in said
    again.type_digits("2468")  # a keyboard: the right PIN goes nowhere while locked
    assert again.staff.state.digits == "" and not again.staff.state.inside
    again.close()

    # Pulled from the wall and started again: the monotonic clock starts near zero.
    rebooted = staff_kiosk(data, now=3.0, boot="boot-b")
    rebooted.service_button()
    assert rebooted.staff.state.gate.locked(rebooted.now), "a reboot never shortens the lock"
    rebooted.wait(301.0)
    rebooted.service_button()
    rebooted.log_in("2468")
    assert rebooted.staff.state.inside, "the lock runs out; the right PIN opens staff mode"
    rebooted.close()


def test_help_on_the_locked_keypad_goes_to_the_help_lines_and_leaves_staff_mode(
    open_dir: Path,
) -> None:
    from tests.faults.kiosks import staff_kiosk

    k = staff_kiosk(open_dir / "data", now=50.0, boot="boot-a")
    k.press("start")
    k.service_button()
    for _ in range(5):
        k.log_in("0000")
    k.press("help")
    assert not k.app.staff_on
    assert k.rt.session.state.screen is Screen.HELP
    k.press("close")
    assert k.rt.session.state.screen is Screen.SYMPTOM, "the visitor's screen comes back"
    k.close()


# --- stock on a new machine ---------------------------------------------------------------------


def test_stock_on_a_new_machine_lists_the_configured_slots_and_takes_a_refill(
    open_dir: Path,
) -> None:
    data = open_dir / "data"
    data.mkdir()
    config = open_dir / "kiosk.toml"
    config.write_text(config_text(data), encoding="utf-8")
    argv = ["--config", str(config)]
    ran = cli_as(["stock", *argv], env=CLEAN_ENV)
    assert ran.status == 0, ran.said
    rows = [line.split() for line in ran.out.splitlines() if line[:1].isdigit()]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert all(r[-2:] == ["0/8", t("staff.status.empty")] for r in rows), ran.out
    ran = cli_as(["stock", "refill", "2", *argv], env=CLEAN_ENV)
    assert ran.status == 0, ran.said
    assert "8/8" in next(line for line in ran.out.splitlines() if line.startswith("2"))
    # The kiosk's first start: no crash counted, the refill kept, its board still reset.
    kiosk = Ledger(data / LEDGER_FILE)
    assert not kiosk.crashed_last_run
    kiosk.sync_slots(SLOTS)
    assert kiosk.slot(2).count == 8 and kiosk.last_vend_id() == 0
    assert kiosk.stocked_slots() == {2: "tea"}, "visitors get what was recorded, nothing else"
    assert [(r.slot, r.count_after) for r in kiosk.refills()] == [(2, 8)]
    kiosk.close()


def test_stock_by_root_on_a_new_machine_leaves_a_ledger_the_kiosk_can_write(
    open_dir: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can make a file the kiosk's user cannot write")
    data = open_dir / "data"
    data.mkdir()
    os.chown(data, NOBODY, NOBODY)  # /var/lib/maeum-kiosk belongs to the kiosk's user
    config = open_dir / "kiosk.toml"
    config.write_text(config_text(data), encoding="utf-8")
    assert cli_as(["stock", "refill", "1", "--config", str(config)], env=CLEAN_ENV).status == 0

    def kiosk_starts() -> int:
        ledger = Ledger(data / LEDGER_FILE)
        ledger.begin(1)
        print(ledger.slot(1).count)
        ledger.close()
        return 0

    ran = run_as(kiosk_starts, uid=NOBODY)
    assert ran.status == 0 and ran.out.strip() == "8", ran.said


# --- demo without content ----------------------------------------------------------------------


def test_demo_without_a_content_folder_saves_the_out_of_service_screen_and_says_why(
    open_dir: Path,
) -> None:
    missing = open_dir / "no-content-here"
    config = open_dir / "kiosk.toml"
    config.write_text(config_text(open_dir / "data", content=missing), encoding="utf-8")
    out = open_dir / "shots"
    ran = cli_as(["demo", "--config", str(config), "--out", str(out)], env=CLEAN_ENV)
    assert "Traceback" not in ran.err, ran.err
    assert ran.status == 1, ran.said
    assert str(missing) in ran.err and "out of service" in ran.err.lower()
    shots = sorted(p.name for p in out.iterdir())
    assert any("out-of-service" in name for name in shots), shots
    assert any("help" in name for name in shots), shots
    assert not any("attract" in name for name in shots), "no picture under a wrong name"
    picture = pygame.image.load(str(next(out.glob("*out-of-service*"))))
    assert picture.get_size() == (1280, 800)
