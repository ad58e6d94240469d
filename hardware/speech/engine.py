"""Speech engines: text in, WAV bytes out. espeak-ng first; a better local voice can drop in.

An engine is anything with the `SpeechEngine` shape. The kiosk picks one by name from its
settings (`make_engine`); to add a voice, write a class with that shape and add its factory to
`ENGINES`. Its `identity()` goes into every cache key, so phrases made by another engine (or
another version of this one) are never mixed up.

espeak-ng runs as a child process, never through a shell: the text goes in on stdin (a phrase
starting with "-" is not an option), the WAV comes out through `-w` into a private temporary
folder. Each call has a time limit; past it the process group is killed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from hardware.speech.errors import EngineMissing, SynthesisFailed, SynthesisTimeout
from hardware.speech.settings import (
    SPEED_MAX,
    SPEED_MIN,
    SpeechSettings,
    settings_problems,
)
from hardware.speech.wav import trim_leading_silence

_log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4000  # a prescription card is a few hundred; anything longer is a mistake
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)*$")


def clamp_speed(speed: float) -> float:
    """The visitor's speed factor, kept within 0.75× … 1.5× and rounded to 0.05."""
    return round(max(SPEED_MIN, min(SPEED_MAX, speed)) * 20) / 20


class SpeechEngine(Protocol):
    """Text to speech. Implementations must be safe to call from several threads at once."""

    def identity(self) -> str:
        """Which engine, which build: part of every cache key. Cheap (no synthesis)."""
        ...

    def voice_for(self, lang: str) -> str:
        """The engine's voice for a language code ("ko", "en"). Raises SynthesisFailed."""
        ...

    def synthesize(self, text: str, lang: str, speed: float) -> bytes:
        """A 16-bit PCM WAV of `text` spoken at `speed` (1.0 = the engine's base rate).

        Raises EngineMissing, SynthesisFailed or SynthesisTimeout (all SpeechError)."""
        ...


class EspeakEngine:
    """espeak-ng (Debian/Raspberry Pi OS package `espeak-ng`): Korean voice `ko`, English `en`.

    Robotic but complete, offline, and small enough for a Pi. Speed 1.0 is `base_wpm` words a
    minute; the factor scales it (0.75× … 1.5×).
    """

    def __init__(
        self,
        program: str = "espeak-ng",
        *,
        voices: Mapping[str, str] | None = None,
        base_wpm: int = 160,
        timeout_s: float = 10.0,
    ) -> None:
        self.program = program
        self.voices = dict(voices or {})
        self.base_wpm = base_wpm
        self.timeout_s = timeout_s
        self._identity: str | None = None

    @classmethod
    def from_settings(cls, settings: SpeechSettings) -> EspeakEngine:
        return cls(
            settings.espeak_program,
            voices=settings.voice_map(),
            base_wpm=settings.base_wpm,
            timeout_s=settings.timeout,
        )

    def identity(self) -> str:
        # The binary's path, size and time: an upgraded espeak-ng gets fresh cache keys
        # without running it here.
        if self._identity is None:
            found = shutil.which(self.program)
            stamp = "missing"
            if found:
                st = os.stat(found)
                stamp = f"{os.path.realpath(found)}:{st.st_size}:{st.st_mtime_ns}"
            digest = hashlib.sha256(stamp.encode()).hexdigest()[:12]
            self._identity = f"espeak-ng:{digest}"
        return self._identity

    def voice_for(self, lang: str) -> str:
        if lang in self.voices:
            return self.voices[lang]
        if not _LANG.match(lang):
            raise SynthesisFailed(f"no voice for language {lang!r}")
        return lang  # espeak-ng names most voices by their language code

    def words_per_minute(self, speed: float) -> int:
        return round(self.base_wpm * clamp_speed(speed))

    def synthesize(self, text: str, lang: str, speed: float) -> bytes:
        if not text.strip():
            raise SynthesisFailed("nothing to say (empty text)")
        if len(text) > MAX_TEXT_CHARS:
            raise SynthesisFailed(f"text too long to speak ({len(text)} characters)")
        voice = self.voice_for(lang)
        with tempfile.TemporaryDirectory(prefix="maeum-speech-") as folder:
            out = Path(folder) / "phrase.wav"
            argv = [
                self.program,
                "-v",
                voice,
                "-s",
                str(self.words_per_minute(speed)),
                "-b",
                "1",  # the text is UTF-8 whatever the service's locale
                "-w",
                str(out),
                "--stdin",
            ]
            self._run(argv, text.encode("utf-8"))
            try:
                data = out.read_bytes()
            except OSError as exc:
                raise SynthesisFailed(f"{self.program} wrote no audio: {exc}") from exc
        try:
            return trim_leading_silence(data)  # checks the WAV, too
        except ValueError as exc:
            raise SynthesisFailed(f"{self.program} wrote an unusable WAV: {exc}") from exc

    def _run(self, argv: list[str], stdin: bytes) -> None:
        try:
            # A session of its own, so a timeout can kill whatever the program started.
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:  # not installed, not executable, wrong architecture
            raise EngineMissing(f"cannot run {self.program!r}: {exc.strerror or exc}") from exc
        try:
            _, err = proc.communicate(stdin, timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise SynthesisTimeout(
                f"{self.program} took longer than {self.timeout_s:g} s and was stopped"
            ) from None
        if proc.returncode != 0:
            reason = err.decode("utf-8", "replace").strip().splitlines()
            detail = reason[-1] if reason else "no message"
            raise SynthesisFailed(f"{self.program} failed (exit {proc.returncode}): {detail}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.kill()
    proc.communicate()


EngineFactory = Callable[[SpeechSettings], SpeechEngine]

# The engines a machine configuration may name in [speech] engine = "...".
ENGINES: Mapping[str, EngineFactory] = MappingProxyType({"espeak-ng": EspeakEngine.from_settings})


def make_engine(settings: SpeechSettings) -> SpeechEngine:
    """The engine named in the settings. Raises ValueError naming the known ones."""
    factory = ENGINES.get(settings.engine)
    if factory is None:
        known = ", ".join(sorted(ENGINES))
        raise ValueError(f"unknown speech engine {settings.engine!r} (known: {known})")
    return factory(settings)


__all__ = ["ENGINES", "EspeakEngine", "SpeechEngine", "make_engine", "settings_problems"]
