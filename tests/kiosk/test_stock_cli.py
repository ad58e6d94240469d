"""The staff's command-line tools as they use them: `stock` (show, refill, disable, enable),
`stats` (summary, CSV, chart) and `staff-pin` (a hash in the configuration, nothing else
touched)."""

from __future__ import annotations

import io
import shutil
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest

from hardware.dispenser import VendOutcome
from hardware.vend import VendKind
from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import Ledger
from kiosk.cli import main
from kiosk.shell.config import KioskConfig, load_config
from kiosk.staff.config_edit import with_pin_hash
from kiosk.staff.pin import parse_pin_hash, verify_pin

REPO = Path(__file__).parents[2]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory with the ledger a kiosk with the default six slots leaves behind."""
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAEUM_CONFIG", raising=False)
    ledger = Ledger(tmp_path / LEDGER_FILE)
    ledger.sync_slots(KioskConfig().hardware.slots, fill_new=True)
    ledger.close()
    yield tmp_path


def ledger_of(data: Path) -> Ledger:
    return Ledger(data / LEDGER_FILE, records_runs=False)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- stock ---------------------------------------------------------------------------------------


def test_stock_shows_every_slot_with_item_count_and_state(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = cli(capsys, "stock")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["칸", "물건", "개수", "상태"]
    assert lines[1].split() == ["1", "사탕", "10/10", "정상"]
    assert len([line for line in lines if line[:1].isdigit()]) == 6


def test_refill_to_a_count_then_to_full(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, "stock", "refill", "2", "--count", "3")[0] == 0
    ledger = ledger_of(data)
    assert ledger.slot(2).count == 3
    ledger.close()
    status, out, _ = cli(capsys, "stock", "refill", "2")
    assert status == 0 and "10/10" in out.splitlines()[2]
    ledger = ledger_of(data)
    assert [(r.count_before, r.count_after) for r in ledger.refills()] == [(10, 3), (3, 10)]
    ledger.close()


def test_low_stock_is_an_alert(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "stock", "--lang", "en", "refill", "4", "--count", "1")
    assert status == 0
    assert "Slot 4 a hand warmer: 1 left" in out


def test_disable_and_enable_change_what_visitors_can_get(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, "stock", "disable", "5")[0] == 0
    ledger = ledger_of(data)
    assert 5 not in ledger.stocked_slots() and not ledger.slot(5).enabled
    ledger.close()
    status, _, _ = cli(capsys, "stock", "enable", "5", "--lang", "en")
    assert status == 0
    ledger = ledger_of(data)
    assert 5 in ledger.stocked_slots()
    ledger.close()


def test_an_unknown_slot_or_count_changes_nothing(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = cli(capsys, "stock", "refill", "9")
    assert status == 1 and "slot 9" in err
    status, _, err = cli(capsys, "stock", "refill", "1", "--count", "11")
    assert status == 1 and "0..10" in err
    ledger = ledger_of(data)
    assert ledger.refills() == []
    ledger.close()


def test_stats_without_a_ledger_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path / "empty"))
    status, _, err = cli(capsys, "stats")
    assert status == 1 and str(tmp_path / "empty" / LEDGER_FILE) in err
    assert not (tmp_path / "empty").exists()  # a look does not create one


def test_stock_on_a_new_machine_makes_the_ledger_with_the_configured_slots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before the kiosk ever started: the technician loads the cabinet and records it."""
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path / "new"))
    status, out, err = cli(capsys, "stock", "--lang", "en")
    assert status == 0, err
    assert str(tmp_path / "new" / LEDGER_FILE) in err and "New ledger" in err
    rows = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    # The built-in configuration is a simulation: full, as the simulated kiosk makes them.
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "6"] and rows[0][-2] == "10/10"
    status, out, err = cli(capsys, "stock", "refill", "3", "--count", "4")
    assert status == 0 and "New ledger" not in err
    ledger = ledger_of(tmp_path / "new")
    assert ledger.slot(3).count == 4 and ledger.last_vend_id() == 0
    ledger.close()


def test_stock_on_a_ledger_found_empty_gives_the_slots_back_to_count_and_refill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0-byte ledger is set aside by the ledger itself; staff then count each slot and
    record it, which needs the configured slots in the new ledger."""
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path))
    (tmp_path / LEDGER_FILE).write_bytes(b"")
    status, out, err = cli(capsys, "stock", "refill", "2", "--count", "3")
    assert status == 0, err
    rows = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert rows[1][-2] == "3/10"
    assert [p.name for p in tmp_path.iterdir() if ".empty-" in p.name], "the empty file is kept"


def test_the_tools_do_not_mark_a_running_kiosk_as_cleanly_stopped(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = Ledger(data / LEDGER_FILE)  # the kiosk, still running
    cli(capsys, "stock", "refill", "1")
    cli(capsys, "stats")
    # The kiosk dies without closing: its next start must still count a crash.
    del running
    after = Ledger(data / LEDGER_FILE)
    assert after.crashed_last_run
    after.close()


def test_a_test_vend_leaves_the_stock_alone(data: Path) -> None:
    ledger = ledger_of(data)
    for outcome in (VendOutcome.DISPENSED, VendOutcome.NO_DROP):
        vend_id = ledger.begin(1, VendKind.TEST)
        ledger.finish(vend_id, outcome)
    assert ledger.slot(1).count == 10 and not ledger.slot(1).suspected_empty
    vend_id = ledger.begin(1, VendKind.TEST)
    ledger.finish(vend_id, VendOutcome.MOTOR_FAULT)
    assert ledger.slot(1).motor_fault  # unsafe for visitors, whoever found it
    ledger.close()


# --- stats ---------------------------------------------------------------------------------------


def counted(data: Path) -> None:
    ledger = Ledger(data / LEDGER_FILE, records_runs=False)
    for day, hour, n in ((1, 10, 3), (1, 15, 2), (3, 11, 4)):
        when = datetime.combine(date(2026, 3, day), time(hour)).astimezone()
        ledger.count("visit_started", "", when, n=n)
        ledger.count("visit_completed", "", when, n=n - 1)
        ledger.count("symptom", "future_fog", when)
    ledger.close()


def test_stats_prints_a_line_per_day_with_zero_days(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counted(data)
    status, out, _ = cli(capsys, "stats", "--from", "2026-03-01", "--to", "2026-03-04")
    assert status == 0
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows == [
        ["2026-03-01", "5", "3"],
        ["2026-03-02", "0", "0"],
        ["2026-03-03", "4", "3"],
        ["2026-03-04", "0", "0"],
        ["Σ", "9", "6"],
    ]


def test_stats_writes_the_csv_and_the_chart(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    counted(data)
    csv_path, chart = tmp_path / "march.csv", tmp_path / "march.png"
    status, _, _ = cli(capsys, "stats", "--from", "2026-03-01", "--to", "2026-03-31",
                         "--csv", str(csv_path), "--chart", str(chart))  # fmt: skip
    assert status == 0
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "date,hour,event,key,count"
    assert "2026-03-03,11,visit_started,,4" in text.splitlines()
    assert len(text.splitlines()) == 1 + 9  # three hours, three counters each
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stats_refuses_a_backwards_range(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "stats", "--from", "2026-03-05", "--to", "2026-03-01")
    assert status == 2 and "after" in err


# --- staff-pin -----------------------------------------------------------------------------------


def set_pin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], config: Path, text: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    return cli(capsys, "staff-pin", "--stdin", "--config", str(config))


def test_staff_pin_writes_only_a_hash_and_keeps_the_rest_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    shutil.copy(REPO / "deploy" / "kiosk.toml", config)
    before = config.read_text(encoding="utf-8")
    status, out, _ = set_pin(monkeypatch, capsys, config, "735901\n735901\n")
    assert status == 0 and "restart" in out.lower()
    after = config.read_text(encoding="utf-8")
    assert "735901" not in after
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert len(changed) == 1 and changed[0][0] == 'pin_hash = ""'
    stored = tomllib.loads(after)["staff"]["pin_hash"]
    assert verify_pin("735901", parse_pin_hash(stored))
    assert load_config(str(config)).staff.pin_hash == stored


def test_staff_pin_refuses_bad_or_different_pins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("# mine\n[display]\nwidth = 800\n", encoding="utf-8")
    for text in ("12\n", "12345678901\n", "12ab\n", "1234\n4321\n", ""):
        status, _, _ = set_pin(monkeypatch, capsys, config, text)
        assert status != 0, text
    assert config.read_text(encoding="utf-8") == "# mine\n[display]\nwidth = 800\n"


def test_staff_pin_asks_twice_without_echo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from argparse import Namespace

    from kiosk.commands import staff_pin

    config = tmp_path / "kiosk.toml"
    asked: list[str] = []
    answers = iter(["8080", "8080"])

    def prompt(question: str) -> str:
        asked.append(question)
        return next(answers)

    args = Namespace(config=str(config), stdin=False)
    assert staff_pin.run(args, prompt=prompt) == 0
    assert len(asked) == 2
    stored = tomllib.loads(config.read_text(encoding="utf-8"))["staff"]["pin_hash"]
    assert verify_pin("8080", parse_pin_hash(stored))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", '\n[staff]\npin_hash = "H"\n'),
        ("a = 1", 'a = 1\n\n[staff]\npin_hash = "H"\n'),
        ("[staff]\n# the PIN\n", '[staff]\npin_hash = "H"\n# the PIN\n'),
        ("[staff]\npin_hash = 'old'  # keep\n[x]\n", '[staff]\npin_hash = "H"  # keep\n[x]\n'),
        ('[staff]\r\npin_hash = ""\r\n', '[staff]\r\npin_hash = "H"\r\n'),
        (
            "[display]\npin_hash = 1\n[staff]\n",
            '[display]\npin_hash = 1\n[staff]\npin_hash = "H"\n',
        ),
    ],
)
def test_the_pin_line_goes_exactly_where_it_belongs(text: str, expected: str) -> None:
    assert with_pin_hash(text, "H") == expected
