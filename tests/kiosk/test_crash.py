"""Crash test: the kiosk is SIGKILLed at chosen moments during vends, then started again.

The kiosk process is `python main.py demo --visits N --port PTY`: the real app, the real
driver and the real ledger, vending against a simulated board that lives in this test process,
so the board outlives every kill (as the real board outlives a crash of the Pi's software).
After each kill the kiosk is started again and runs one visit to the end; then:

- the ledger passes `PRAGMA integrity_check`;
- every vend intent has exactly one outcome (none left unfinished after the restart);
- the board turned each vend_id at most once, and never one the ledger had not recorded first;
- every vend recorded as dispensed was really turned by the board;
- the stock of every slot is its start minus the vends recorded as dispensed from it;
- the ledger counted the crashes (every kill after the kiosk had begun vending, at least).

Where a run is killed is told in what the board hears (`KillPoint`): the kiosk's n-th request
of the run (1 is its first HELLO; then RESET or the reconcile, and per visit STATUS, VEND and
its polls), either in the board's hands (the board has acted, a VEND's motor turns, and the
kiosk dies before the answer reaches it) or racing (killed the moment the board has answered:
the kiosk may be reading it, writing its ledger, or still waiting). Nothing sleeps: the test
waits on the board's events and on the process, always with a deadline.

The seed picks every kill point. It is printed first and is in every assertion message; to
replay a run, set `MAEUM_CRASH_SEED` to it. A replay repeats every anchor exactly; a racing kill
lands within milliseconds of the same anchor, where the scheduler puts it.

A few kills run in the normal suite; `-m slow` (make soak) runs 50.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hardware.dispenser import VendOutcome
from hardware.protocol import Cmd, Frame
from hardware.simulator import PtyBoardServer, SimulatedBoard
from kiosk.cabinet.cabinet import LEDGER_FILE

ROOT = Path(__file__).resolve().parents[2]
ITEMS = ("candy", "tea", "vitamin", "hand_warmer", "sticker", "seed_paper")
CAPACITY = 1000  # never runs out, so every visit vends
RUN_TIMEOUT_S = 60.0


SEED_ENV = "MAEUM_CRASH_SEED"
MAX_REQUEST = 16  # start-up (HELLO, RESET or the reconcile) and about three visits' vends


@dataclass(frozen=True)
class KillPoint:
    """Where a run is killed, in what the board hears (so a replay finds the same place)."""

    request: int  # the kiosk's n-th request to the board in this run
    racing: bool  # False: in the board's hands, before the kiosk has the answer

    @classmethod
    def pick(cls, rng: random.Random) -> KillPoint:
        return cls(rng.randint(1, MAX_REQUEST), rng.random() < 0.5)

    def __str__(self) -> str:
        when = "as soon as the board answered" if self.racing else "before the answer"
        return f"request {self.request}, {when}"


@dataclass
class Armed:
    """A kill point being counted towards; `reached` is set when it is (after an in-hand kill)."""

    point: KillPoint
    kill: Callable[[], None]
    requests: int = 0
    vends: int = 0  # VENDs heard up to the kill point: the kiosk had opened its ledger
    reached: threading.Event = field(default_factory=threading.Event)

    def heard(self, request: Frame) -> bool:
        """Count `request`; True when it is the kill point."""
        self.requests += 1
        self.vends += request.cmd == Cmd.VEND
        if self.requests < self.point.request:
            return False
        if not self.point.racing:
            # The board has acted on it (a VEND's motor turns); its answer reaches nobody.
            self.kill()
        self.reached.set()
        return True


class KillingBoard(SimulatedBoard):
    """The simulated board, which ends the kiosk's run at the armed kill point."""

    def __init__(self) -> None:
        super().__init__(slots=len(ITEMS), revolution_s=0.05, boot_s=0.0)
        self._armed: Armed | None = None  # set only while no kiosk talks to the board

    def arm(self, point: KillPoint, kill: Callable[[], None]) -> Armed:
        armed = Armed(point, kill)
        self._armed = armed
        return armed

    def handle(self, request: Frame, now: float) -> Frame | None:
        reply = super().handle(request, now)
        armed = self._armed
        if armed is not None and armed.heard(request):
            self._armed = None
        return reply


@dataclass
class Soak:
    tmp: Path
    server: PtyBoardServer
    board: KillingBoard
    config: Path
    data: Path
    seed: int
    rng: random.Random
    runs: int = 0
    kills: list[KillPoint] = field(default_factory=list)

    @property
    def ledger(self) -> Path:
        return self.data / LEDGER_FILE

    def say(self, what: str) -> str:
        """An assertion message: what went wrong, and how to replay this very run."""
        points = "; ".join(f"{n}: {p}" for n, p in enumerate(self.kills, start=1))
        return (
            f"[crash seed {self.seed}: replay with {SEED_ENV}={self.seed}] {what}\n"
            f"kills so far: {points or 'none'}"
        )

    def start(self, visits: int) -> subprocess.Popen[bytes]:
        self.runs += 1
        log = (self.tmp / f"run-{self.runs}.log").open("wb")
        env = dict(
            os.environ,
            MAEUM_DATA_DIR=str(self.data),
            SDL_VIDEODRIVER="dummy",
            SDL_AUDIODRIVER="dummy",
        )
        command = [
            sys.executable,
            "main.py",
            "demo",
            "--config",
            str(self.config),
            "--visits",
            str(visits),
            "--port",
            self.server.path,
            "--out",
            str(self.tmp / "shots"),
        ]
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)

    def log_of_last_run(self) -> str:
        return (self.tmp / f"run-{self.runs}.log").read_text(errors="replace")[-3000:]


def write_config(tmp: Path) -> Path:
    slots = "".join(
        f'[[hardware.slots]]\nnumber = {n}\nitem = "{item}"\ncapacity = {CAPACITY}\n\n'
        for n, item in enumerate(ITEMS, start=1)
    )
    path = tmp / "kiosk.toml"
    path.write_text(
        f'data_dir = "{tmp / "data"}"\n\n'
        '[hardware]\nsimulated = true\npin_factory = "mock"\ndrop_grace = 0.2\n\n' + slots,
        encoding="utf-8",
    )
    return path


def crash_seed() -> int:
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return int.from_bytes(os.urandom(4), "big")
    try:
        return int(text)
    except ValueError:
        pytest.fail(f"{SEED_ENV}={text!r}: give the whole number a crash test printed")


@pytest.fixture
def soak(tmp_path: Path, record_property: Callable[[str, object], None]) -> Iterator[Soak]:
    seed = crash_seed()
    # First in the test's output (and in the JUnit report), so any run can be replayed.
    print(f"crash test seed {seed} (replay: {SEED_ENV}={seed})", flush=True)
    record_property("crash_seed", seed)
    board = KillingBoard()
    with PtyBoardServer(board, noise_bytes=0) as server:
        yield Soak(
            tmp_path,
            server,
            board,
            write_config(tmp_path),
            tmp_path / "data",
            seed,
            random.Random(seed),
        )


def run_and_kill(soak: Soak) -> bool:
    """Start the kiosk and SIGKILL it at the next kill point; True if it had begun vending."""
    point = KillPoint.pick(soak.rng)
    soak.kills.append(point)
    print(f"kill {len(soak.kills)}: {point}", flush=True)
    started = threading.Event()
    runs: list[subprocess.Popen[bytes]] = []

    def kill() -> None:
        # Called from the board's thread; the kiosk cannot talk before it was started.
        if started.wait(RUN_TIMEOUT_S):
            runs[0].kill()

    armed = soak.board.arm(point, kill)  # before the kiosk starts: it counts from its first word
    kiosk = soak.start(visits=10_000)
    runs.append(kiosk)
    started.set()

    # Woken by the kill point, or by the kiosk ending before it (then it failed by itself).
    def ended() -> None:
        kiosk.wait()
        armed.reached.set()

    watcher = threading.Thread(target=ended, daemon=True)
    watcher.start()
    try:
        assert armed.reached.wait(RUN_TIMEOUT_S), soak.say(
            f"the kiosk never reached {point}:\n{soak.log_of_last_run()}"
        )
        alive = kiosk.poll() is None or kiosk.returncode == -signal.SIGKILL
        assert alive, soak.say(
            f"the kiosk ended by itself before {point}:\n{soak.log_of_last_run()}"
        )
    finally:
        kiosk.kill()  # a racing kill point: now; an in-hand one was killed by the board already
        kiosk.wait(RUN_TIMEOUT_S)
        watcher.join(RUN_TIMEOUT_S)
    assert kiosk.returncode == -signal.SIGKILL, soak.say(f"not killed at {point}")
    return armed.vends > 0


def restart(soak: Soak) -> None:
    """Start the kiosk again and let it finish one visit cleanly."""
    kiosk = soak.start(visits=1)
    try:
        status = kiosk.wait(RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        kiosk.kill()
        kiosk.wait(RUN_TIMEOUT_S)
        raise AssertionError(soak.say(f"the restart hung:\n{soak.log_of_last_run()}")) from None
    assert status == 0, soak.say(f"the restart failed:\n{soak.log_of_last_run()}")


def check(soak: Soak, kills: int, surely_noticed: int) -> None:
    db = sqlite3.connect(str(soak.ledger))
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        vends = db.execute("SELECT vend_id, slot, outcome FROM vends").fetchall()
        stock = dict(db.execute("SELECT number, count FROM slots").fetchall())
        refills = db.execute("SELECT COUNT(*) FROM refills").fetchone()[0]
        crashes = db.execute(
            "SELECT COALESCE(SUM(count), 0) FROM stats WHERE event = 'crash'"
        ).fetchone()[0]
    finally:
        db.close()
    say = soak.say

    assert integrity == [("ok",)], say(f"the ledger is damaged: {integrity}")
    outcomes = {o.value for o in VendOutcome}
    unfinished = [v for v in vends if v[2] not in outcomes]
    assert not unfinished, say(f"intents without an outcome: {unfinished}")
    ids = [vend_id for vend_id, _, _ in vends]
    assert len(ids) == len(set(ids)), say(f"a vend_id was used twice: {sorted(ids)}")

    turned, started = soak.server.revolutions, soak.server.motor_starts
    assert all(n == 1 for n in started.values()), say(f"a vend_id started twice: {started}")
    assert all(n == 1 for n in turned.values()), say(f"a vend_id turned twice: {turned}")
    unrecorded = set(started) - set(ids)
    assert not unrecorded, say(f"VEND went out without an intent in the ledger: {unrecorded}")
    dispensed = [(v, s) for v, s, o in vends if o == VendOutcome.DISPENSED.value]
    never = [v for v, _ in dispensed if turned.get(v) != 1]
    assert not never, say(f"recorded as dispensed, but never turned: {never}")

    assert refills == 0, say(f"{refills} refills appeared from nowhere")
    for slot in range(1, len(ITEMS) + 1):
        taken = sum(1 for _, s in dispensed if s == slot)
        assert stock[slot] == CAPACITY - taken, say(
            f"slot {slot}: stock drifted: {stock[slot]}, expected {CAPACITY - taken}"
        )
    # A kill before the ledger was opened cannot be noticed; one after a VEND must be.
    assert surely_noticed <= crashes <= kills, say(
        f"{crashes} crashes counted for {kills} kills, {surely_noticed} of them surely noticed"
    )


def crash_many_times(soak: Soak, kills: int) -> None:
    noticed = 0
    for done in range(1, kills + 1):
        if run_and_kill(soak):
            noticed += 1  # it had opened the ledger, so the next start sees the crash
        restart(soak)
        check(soak, done, noticed)
    assert soak.server.revolutions, soak.say("nothing was ever dispensed")


def test_kiosk_killed_during_vends_loses_and_repeats_nothing(soak: Soak) -> None:
    crash_many_times(soak, kills=3)


@pytest.mark.slow
def test_kiosk_killed_fifty_times_loses_and_repeats_nothing(
    soak: Soak, request: pytest.FixtureRequest
) -> None:
    # Minutes long: only when asked for (`make soak`, i.e. `pytest -m slow`).
    if "slow" not in str(request.config.getoption("markexpr", "")):
        pytest.skip("long-running crash soak: run with -m slow")
    crash_many_times(soak, kills=50)
