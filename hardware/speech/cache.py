"""Phrases already spoken once, kept as WAV files so the next time costs no synthesis.

`PhraseCache` is a folder of `<key>.wav` files, key = sha256(engine identity, voice, speed,
text). Writes are atomic (a temporary file in the same folder, fsync, `os.replace`), so a power
cut leaves either the old phrase or the new one, never half a WAV; a file that is still broken
(a card pulled mid-write) fails the WAV check on reading and is removed. The folder has a size
bound: past it the least recently used phrases go first. "Recently used" is the file's mtime,
touched on every hit, so the order survives a restart (LRU-ish: a wall-clock jump only reorders).

`Phrasebook` joins an engine and a cache: "this text, this language, this speed" → WAV bytes.
Thread-safe: the voice, its synthesis worker and the pre-renderer share one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hardware.speech.engine import SpeechEngine, clamp_speed
from hardware.speech.errors import CacheError, SynthesisFailed
from hardware.speech.wav import is_wav, join_wavs

_log = logging.getLogger(__name__)

KEY_VERSION = "1"  # bump when the key recipe changes
MAKERS = 3  # phrases of one utterance made side by side (espeak-ng is a process of its own)

Phrase = tuple[str, str]  # (text, language): one piece of an utterance, cached on its own


def normalize(text: str) -> str:
    """Whitespace does not change what is said: one key for "a  b" and "a b"."""
    return " ".join(text.split())


def phrase_key(engine_id: str, voice: str, speed: float, text: str) -> str:
    recipe = "\x1f".join((KEY_VERSION, engine_id, voice, f"{speed:.2f}", normalize(text)))
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:40]


class PhraseCache:
    """A bounded folder of WAV files. A folder that cannot be made or written makes a cache
    that holds nothing (`broken` says why); speech goes on, only slower."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.broken: str = ""
        self._lock = threading.Lock()
        self._sizes: OrderedDict[str, int] = OrderedDict()  # least recently used first
        self._total = 0
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._load()
        except OSError as exc:
            self.broken = f"phrase cache {folder} is unusable: {exc}"
            _log.warning("%s; speech will not be cached", self.broken)

    def _load(self) -> None:
        found = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".tmp"):  # a write cut short by a power cut or a kill
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
            elif entry.name.endswith(".wav") and entry.is_file():
                st = entry.stat()
                found.append((st.st_mtime_ns, entry.name[:-4], st.st_size))
        for _, key, size in sorted(found):
            self._sizes[key] = size
            self._total += size

    def path_for(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return self._total

    def __len__(self) -> int:
        with self._lock:
            return len(self._sizes)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._sizes

    def get(self, key: str) -> bytes | None:
        """The phrase's WAV, or None. A file that is missing or not a whole WAV is dropped."""
        with self._lock:
            if key not in self._sizes:
                return None
            self._sizes.move_to_end(key)
        path = self.path_for(key)
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        if not is_wav(data):
            _log.warning("phrase cache: %s is damaged or gone; it will be made again", path.name)
            self.discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # the LRU order, kept across restarts
        return data

    def put(self, key: str, wav: bytes) -> None:
        """Store a phrase atomically, then trim the folder to its bound. Raises CacheError."""
        if self.broken:
            raise CacheError(self.broken)
        path = self.path_for(key)
        tmp = ""
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{key[:8]}-", suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(wav)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise CacheError(f"phrase cache cannot write {path}: {exc}") from exc
        with self._lock:
            self._total += len(wav) - self._sizes.pop(key, 0)
            self._sizes[key] = len(wav)
            victims = self._trim(keep=key)
        for victim in victims:
            with contextlib.suppress(OSError):
                os.unlink(self.path_for(victim))

    def _trim(self, keep: str) -> list[str]:
        victims = []
        for key in list(self._sizes):
            if self._total <= self.max_bytes:
                break
            if key == keep:
                continue  # the phrase just made is about to be played
            self._total -= self._sizes.pop(key)
            victims.append(key)
        return victims

    def clear(self) -> None:
        """Forget every phrase (the bench's "uncached" case; a technician after an engine
        change, though the engine's identity in every key already keeps them apart)."""
        with self._lock:
            keys = list(self._sizes)
        for key in keys:
            self.discard(key)

    def discard(self, key: str) -> None:
        with self._lock:
            self._total -= self._sizes.pop(key, 0)
        with contextlib.suppress(OSError):
            os.unlink(self.path_for(key))


@dataclass(frozen=True)
class Spoken:
    """A phrase as WAV bytes, and whether it came from the cache."""

    wav: bytes
    from_cache: bool


class Phrasebook:
    """An engine and its cache: what a phrase sounds like, made at most once."""

    def __init__(self, engine: SpeechEngine, cache: PhraseCache) -> None:
        self.engine = engine
        self.cache = cache
        self._cache_warned = False

    def key(self, text: str, lang: str, speed: float) -> str:
        """Raises SynthesisFailed when the engine has no voice for `lang`."""
        voice = self.engine.voice_for(lang)
        return phrase_key(self.engine.identity(), voice, clamp_speed(speed), text)

    def cached(self, text: str, lang: str, speed: float) -> bytes | None:
        return self.cache.get(self.key(text, lang, speed))

    def render(self, text: str, lang: str, speed: float) -> Spoken:
        """The phrase, from the cache or freshly made (and then cached), for speaking now.

        Raises the engine's SpeechError. A cache that cannot be written is logged (once), not
        raised: the phrase is still spoken."""
        key = self.key(text, lang, speed)
        hit = self.cache.get(key)
        if hit is not None:
            return Spoken(hit, from_cache=True)
        wav = self.engine.synthesize(normalize(text), lang, clamp_speed(speed))
        try:
            self.cache.put(key, wav)
        except CacheError as exc:
            if not self._cache_warned:
                _log.warning("%s (said once)", exc)
                self._cache_warned = True
        return Spoken(wav, from_cache=False)

    def prerender(self, text: str, lang: str, speed: float) -> bool:
        """Make sure the phrase is in the cache: True if it was made now, False if it was
        there. Raises SpeechError, including CacheError when it cannot be stored."""
        key = self.key(text, lang, speed)
        if key in self.cache:
            return False
        self.cache.put(key, self.engine.synthesize(normalize(text), lang, clamp_speed(speed)))
        return True

    # --- utterances of several phrases --------------------------------------------------------

    def cached_all(self, phrases: Sequence[Phrase], speed: float) -> list[bytes] | None:
        """Every phrase's WAV when all of them are cached, else None (nothing is made)."""
        found = []
        for text, lang in phrases:
            wav = self.cached(text, lang, speed)
            if wav is None:
                return None
            found.append(wav)
        return found

    def render_all(self, phrases: Sequence[Phrase], speed: float) -> tuple[list[bytes], bool]:
        """Every phrase's WAV, made where missing, several at once; and whether all of them
        came from the cache. Raises the first SpeechError met."""
        if len(phrases) == 1:
            spoken = self.render(phrases[0][0], phrases[0][1], speed)
            return [spoken.wav], spoken.from_cache
        with ThreadPoolExecutor(max_workers=MAKERS, thread_name_prefix="speech-part") as pool:
            done = list(pool.map(lambda p: self.render(p[0], p[1], speed), phrases))
        return [d.wav for d in done], all(d.from_cache for d in done)

    def utterance(self, phrases: Sequence[Phrase], speed: float, lead_s: float = 0.0) -> bytes:
        """The phrases as one WAV, as the voice plays them (the demo writes these)."""
        wavs, _ = self.render_all(phrases, speed)
        try:
            return join_wavs(wavs, lead_s=lead_s)
        except ValueError as exc:
            raise SynthesisFailed(f"phrases cannot be joined: {exc}") from exc
