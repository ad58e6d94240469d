"""The person at the cabinet, reached only through a `Prompter`.

`note` something, `ask` a yes/no question, or `wait_for` a physical action (open the door, wave
a hand through the chute) until a condition holds or a timeout passes. The terminal prompter
waits on an injected clock; tests script the person (`ScriptedPrompter`) and never really wait.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from hardware.diagnostics.checks import Clock, Sleep


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    SKIP = "skip"  # the technician cannot tell (e.g. cannot see the LED from where they stand)


@dataclass(frozen=True)
class Request:
    """A physical action asked of the person; `key` lets a simulation or a test perform it."""

    key: str  # "drop.wave", "door.open", "key.select"…
    text: str


class Prompter(Protocol):
    def note(self, text: str) -> None:
        """Tell the person something (what is about to happen, what to look at)."""
        ...

    def ask(self, key: str, question: str) -> Answer:
        """A yes/no question about what the person sees."""
        ...

    def wait_for(self, request: Request, done: Callable[[], bool], timeout_s: float) -> bool:
        """Ask for `request`, then wait until `done()` or `timeout_s`. Returns `done()`."""
        ...


@dataclass
class TerminalPrompter:
    """Questions on a terminal. Waiting polls `done` on the injected clock.

    `person` maps request keys to actions that perform them: in simulation there is no hand
    to wave, so the simulated person does it (and says so) after `act_after_s`.
    """

    stdin: TextIO
    stdout: TextIO
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    poll_s: float = 0.02
    person: Mapping[str, Callable[[], None]] = field(default_factory=dict)
    act_after_s: float = 1.0

    def note(self, text: str) -> None:
        print(f"      {text}", file=self.stdout, flush=True)

    def ask(self, key: str, question: str) -> Answer:
        while True:
            print(f"   ?  {question} [y/n/s=skip] ", end="", file=self.stdout, flush=True)
            line = self.stdin.readline()
            if not line:  # end of input: nobody is there to answer
                print("", file=self.stdout)
                return Answer.SKIP
            reply = line.strip().lower()
            if reply in ("y", "yes", "예", "네"):
                return Answer.YES
            if reply in ("n", "no", "아니오", "아니요"):
                return Answer.NO
            if reply in ("s", "skip"):
                return Answer.SKIP

    def wait_for(self, request: Request, done: Callable[[], bool], timeout_s: float) -> bool:
        print(f"   >  {request.text} (within {timeout_s:.0f} s)", file=self.stdout, flush=True)
        act = self.person.get(request.key)
        start = self.clock()
        while not done():
            elapsed = self.clock() - start
            if act is not None and elapsed >= self.act_after_s:
                print("      (SIMULATION: the simulated technician does it)", file=self.stdout)
                act()
                act = None
                continue
            if elapsed >= timeout_s:
                return done()
            self.sleep(self.poll_s)
        return True


@dataclass
class ScriptedPrompter:
    """A person who follows a script: for tests and for unattended demonstrations.

    `answers` maps question keys to answers (a missing key answers SKIP); `actions` maps
    request keys to what the person does when asked (a missing key: they do nothing, so the
    wait times out). Every prompt is kept in `log` so a test can see what was asked.
    """

    answers: Mapping[str, Answer] = field(default_factory=dict)
    actions: Mapping[str, Callable[[], None]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.log.append(f"note: {text}")

    def ask(self, key: str, question: str) -> Answer:
        self.log.append(f"ask {key}: {question}")
        return self.answers.get(key, Answer.SKIP)

    def wait_for(self, request: Request, done: Callable[[], bool], timeout_s: float) -> bool:
        self.log.append(f"wait {request.key}: {request.text}")
        action = self.actions.get(request.key)
        if action is not None:
            action()
        return done()
