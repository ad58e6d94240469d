"""16-bit PCM WAV in and out, and the measurements the tests and the bench need.

Only the stdlib `wave`, `array` and `math`: `audioop` is gone from Python 3.13.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

SAMPLE_RATE = 22050  # espeak-ng's own rate: no resampling between the engine and the mixer
FULL_SCALE = 32767


@dataclass(frozen=True)
class Pcm:
    """Decoded 16-bit samples (interleaved when `channels` > 1)."""

    rate: int
    channels: int
    samples: array[int]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.channels / self.rate

    @property
    def rms(self) -> float:
        """Root mean square level, 0.0 (silence) … 1.0 (full scale)."""
        if not self.samples:
            return 0.0
        total = math.fsum(s * s for s in self.samples)
        return math.sqrt(total / len(self.samples)) / FULL_SCALE

    @property
    def peak(self) -> float:
        """Largest absolute sample, 0.0 … 1.0."""
        return max((abs(s) for s in self.samples), default=0) / FULL_SCALE


def read_wav(data: bytes) -> Pcm:
    """Decode a 16-bit PCM WAV. Raises ValueError for anything else (or for no audio)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            width = reader.getsampwidth()
            rate = reader.getframerate()
            channels = reader.getnchannels()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"not a PCM WAV: {exc}") from exc
    if width != 2:
        raise ValueError(f"{width * 8}-bit WAV; only 16-bit is used here")
    samples = array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % 2])
    if sys.byteorder == "big":
        samples.byteswap()  # WAV is little-endian
    if not samples:
        raise ValueError("WAV holds no audio")
    return Pcm(rate=rate, channels=channels, samples=samples)


@dataclass(frozen=True)
class Frames:
    """A 16-bit PCM WAV's sample bytes as stored (little-endian), without decoding them."""

    rate: int
    channels: int
    data: bytes | memoryview


def wav_frames(data: bytes) -> Frames:
    """The sample bytes of a whole 16-bit PCM WAV; ValueError for anything else, for a WAV
    cut short (fewer bytes than its header promises) or for no audio. The RIFF chunks are
    walked by hand and the samples are a view into `data`, not a copy: this is on the path
    from a tap to the first sound, with up to a minute of words in it."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    view = memoryview(data)
    fmt: tuple[int, int, int, int] | None = None  # (format, channels, rate, bits)
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        body = pos + 8
        if chunk == b"fmt " and size >= 16:
            fields = data[body : body + 16]
            fmt = (
                int.from_bytes(fields[0:2], "little"),
                int.from_bytes(fields[2:4], "little"),
                int.from_bytes(fields[4:8], "little"),
                int.from_bytes(fields[14:16], "little"),
            )
        elif chunk == b"data":
            if fmt is None:
                raise ValueError("WAV data before its format")
            kind, channels, rate, bits = fmt
            if kind != 1 or bits != 16 or channels < 1 or rate < 1:
                raise ValueError(f"not 16-bit PCM (format {kind}, {bits} bits)")
            if size == 0 or body + size > len(data) or size % (2 * channels):
                raise ValueError("WAV holds no audio, or less than its header says")
            return Frames(rate, channels, view[body : body + size])
        pos = body + size + (size & 1)
    raise ValueError("WAV has no audio data")


def is_wav(data: bytes) -> bool:
    """True for a whole 16-bit PCM WAV (a cache file cut short by a power cut is not)."""
    try:
        wav_frames(data)
    except ValueError:
        return False
    return True


def wav_header(rate: int, channels: int, data_bytes: int) -> bytes:
    """The 44-byte header of a 16-bit PCM WAV holding `data_bytes` of samples."""
    block = 2 * channels
    return b"".join(
        (
            b"RIFF",
            (36 + data_bytes).to_bytes(4, "little"),
            b"WAVEfmt ",
            (16).to_bytes(4, "little"),
            (1).to_bytes(2, "little"),
            channels.to_bytes(2, "little"),
            rate.to_bytes(4, "little"),
            (rate * block).to_bytes(4, "little"),
            block.to_bytes(2, "little"),
            (16).to_bytes(2, "little"),
            b"data",
            data_bytes.to_bytes(4, "little"),
        )
    )


def frames_to_wav(frames: Frames) -> bytes:
    return wav_header(frames.rate, frames.channels, len(frames.data)) + bytes(frames.data)


def pcm_to_wav(pcm: Pcm) -> bytes:
    samples = array("h", pcm.samples)
    if sys.byteorder == "big":
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(pcm.channels)
        writer.setsampwidth(2)
        writer.setframerate(pcm.rate)
        writer.writeframes(samples.tobytes())
    return out.getvalue()


def trim_leading_silence(data: bytes, threshold: float = 0.01, keep_s: float = 0.005) -> bytes:
    """The WAV without the quiet before its first sound (`keep_s` of it stays, so the onset
    is not clipped). espeak-ng's Korean voice starts with ~40 ms of nothing: that is latency a
    visitor hears after every tap. Audio that is all quiet is returned as it was."""
    pcm = read_wav(data)
    level = threshold * FULL_SCALE
    first = next((i for i, s in enumerate(pcm.samples) if abs(s) > level), None)
    if first is None:
        return data
    start = max(0, first // pcm.channels - round(keep_s * pcm.rate)) * pcm.channels
    if start == 0:
        return data
    return pcm_to_wav(Pcm(pcm.rate, pcm.channels, pcm.samples[start:]))


def write_wav(levels: Iterable[float], rate: int = SAMPLE_RATE) -> bytes:
    """Mono 16-bit WAV from sample levels in -1.0 … 1.0 (clipped)."""
    samples = array("h", (round(max(-1.0, min(1.0, v)) * FULL_SCALE) for v in levels))
    return pcm_to_wav(Pcm(rate, 1, samples))


def join_wavs(wavs: Iterable[bytes], *, lead_s: float = 0.0, gap_s: float = 0.0) -> bytes:
    """One WAV of several phrases played one after another, so that a screen's words can be
    cached phrase by phrase and still start as one sound. `lead_s` of silence goes first (the
    "more time?" chime rings out before the words), `gap_s` between phrases (espeak-ng already
    ends each phrase with about 0.3 s of quiet). All parts must share rate and channels;
    ValueError otherwise, or when there is no part at all. Bytes are joined, not decoded."""
    parts = [wav_frames(w) for w in wavs]
    if not parts:
        raise ValueError("nothing to join")
    rate, channels = parts[0].rate, parts[0].channels
    if any(p.rate != rate or p.channels != channels for p in parts):
        raise ValueError("phrases of different sample rates or channels cannot be joined")
    lead = bytes(2 * channels * round(lead_s * rate))
    gap = bytes(2 * channels * round(gap_s * rate))
    pieces: list[bytes | memoryview] = [lead]
    for index, part in enumerate(parts):
        pieces += [gap, part.data] if index else [part.data]
    size = sum(len(piece) for piece in pieces)
    return b"".join([wav_header(rate, channels, size), *pieces])  # one copy of the samples
