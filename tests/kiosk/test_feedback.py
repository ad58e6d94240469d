"""Goodbye's one tap, "도움이 됐어요 / 글쎄요": counted anonymously against the prescription,
and shown to staff (`stats`, and today's numbers in staff mode) as the cards visitors liked
least, so that they can retire them."""

from __future__ import annotations

import threading
from datetime import datetime, time
from pathlib import Path

import pytest

from hardware.dispenser import SimulatedDispenser
from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import HourCount, Ledger
from kiosk.cli import main
from kiosk.reports.stats import day_bounds, least_liked, summarize
from kiosk.shell.config import KioskConfig, Timeouts
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.staff.screens import build_staff_page
from kiosk.ui.theme import panel
from kiosk.visit.flow import Feedback, Screen, Tick, initial_state, step
from tests.kiosk.staff_support import DAY, staff_states, staff_view
from tests.kiosk.ui_support import bundled, fonts, translations

NOON = datetime.combine(DAY, time(12, 0))


def visit_to_goodbye(rt: Runtime, gate: threading.Event) -> float:
    app, now = rt.app, 0.0
    symptom = bundled().symptoms[0].id
    for name in ("start", f"symptom:{symptom}", "skip", "continue"):
        now += 1.0
        app.press(name, now)
    gate.set()
    rt.worker.join(5)
    now += 1.0
    app.tick(now)
    for name in ("continue", "places", "continue"):  # take-item, info (its places), goodbye
        now += 1.0
        if name != "places" or any(b.name == "places" for b in app.page.buttons):
            app.press(name, now)
    assert rt.session.state.screen is Screen.GOODBYE
    return now


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / LEDGER_FILE, now=lambda: NOON.astimezone())


def kiosk(ledger: Ledger, gate: threading.Event) -> Runtime:
    config = KioskConfig(display=panel(1280, 800))
    return build_runtime(
        config,
        0.0,
        dispenser=SimulatedDispenser(wait=gate),
        stats=ledger,
        seed=3,
        fonts=fonts(),
        content=bundled(),
    )


def test_one_tap_on_goodbye_is_counted_against_that_card_once(ledger: Ledger) -> None:
    gate = threading.Event()
    rt = kiosk(ledger, gate)
    now = visit_to_goodbye(rt, gate)
    card = rt.session.state.visit.prescription
    assert card is not None
    names = {b.name for b in rt.app.page.buttons}
    assert {"helped", "unsure"} <= names
    rt.app.press("unsure", now + 1)
    rt.app.refresh(now + 1)
    assert "unsure" not in {b.name for b in rt.app.page.buttons}  # answered: thanks instead
    assert translations().text("ko", "goodbye.thanks") in [
        b.source for b in rt.app.page.text_blocks()
    ]
    rt.session.handle(Feedback(True), now + 2)  # a second answer (a keypad) changes nothing
    totals = summarize(ledger.counts(*day_bounds(DAY, DAY)))
    assert totals.by_key("card_unsure") == {card: 1}
    assert totals.by_key("card_helped") == {}
    rt.close()


def test_a_visitor_who_answers_gets_the_whole_goodbye_to_read_the_thanks() -> None:
    t = Timeouts()
    state = initial_state("ko", 0.0)
    from dataclasses import replace

    from kiosk.visit.flow import Visit

    state = replace(state, screen=Screen.GOODBYE, entered_at=0.0, visit=Visit(prescription="p"))
    state, _ = step(state, Feedback(False), t.goodbye - 1.0, t)
    state, _ = step(state, Tick(), t.goodbye + 0.5, t)
    assert state.screen is Screen.GOODBYE  # not snatched away a second after the tap
    state, _ = step(state, Tick(), 2 * t.goodbye, t)
    assert state.screen is Screen.ATTRACT


def test_the_cards_liked_least_come_first_by_their_share_of_not_sure() -> None:
    hour = f"{DAY.isoformat()}T10:00"
    counts = [
        HourCount(hour, "card_helped", "a", 9),
        HourCount(hour, "card_unsure", "a", 3),  # 3 of 12
        HourCount(hour, "card_unsure", "b", 2),  # 2 of 2: liked least
        HourCount(hour, "card_helped", "c", 5),  # never "not sure": not listed
        HourCount(hour, "card_helped", "d", 1),
        HourCount(hour, "card_unsure", "d", 1),  # 1 of 2
    ]
    cards = least_liked(summarize(counts))
    assert [c.prescription for c in cards] == ["b", "d", "a"]
    assert (cards[0].unsure, cards[0].answers) == (2, 2)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MAEUM_CONFIG", raising=False)
    monkeypatch.setattr("kiosk.shell.config.DEVICE_CONFIG", tmp_path / "no-such-kiosk.toml")
    return tmp_path


def test_stats_names_the_cards_visitors_liked_least(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rx = bundled().prescriptions[0]
    ledger = Ledger(data / LEDGER_FILE)
    ledger.count("card_unsure", rx.id, when=NOON)
    ledger.count("card_unsure", rx.id, when=NOON)
    ledger.count("card_helped", rx.id, when=NOON)
    ledger.count("card_helped", bundled().prescriptions[1].id, when=NOON)
    ledger.close()
    day = DAY.isoformat()
    assert main(["stats", "--from", day, "--to", day]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if rx.medicine.get("ko") in x)
    assert f"({rx.id}) 2/3" in line
    assert bundled().prescriptions[1].id not in out  # only ever "helped": nothing to retire


def test_stats_says_nothing_of_feedback_when_nobody_was_unsure(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = Ledger(data / LEDGER_FILE)
    ledger.count("visit_started", when=NOON)
    ledger.close()
    day = DAY.isoformat()
    assert main(["stats", "--from", day, "--to", day]) == 0
    assert translations().text("ko", "staff.stats.least_liked").split("(")[0] not in (
        capsys.readouterr().out
    )


def test_todays_numbers_in_staff_mode_name_the_card_liked_least() -> None:
    state, snap = staff_states("ko")["stats"]
    sv = staff_view(state, snap, (1280, 800))
    page = build_staff_page(sv)
    text = " ".join(b.source for b in page.text_blocks())
    liked = least_liked(sv.snap.today)
    assert liked, "the staff test day has feedback"
    name = bundled().prescription(liked[0].prescription).medicine.get("ko")
    assert name in text and f"{liked[0].unsure}/{liked[0].answers}" in text
