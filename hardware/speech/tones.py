"""The two sounds that are not speech, made in code (no asset files to lose).

- `click_wav()`: the confirmation of a tap, about 30 ms. A low sine (900 Hz) with a 3 ms
  rise and a fast decay: a soft "tock", not a beep. It starts and ends at zero, so the
  speaker does not pop, and stays at a third of full scale.
- `chime_wav()`: the "more time?" prompt. Two rising notes (E5 then A5, a fourth apart, the
  interval of a doorbell) with a faint octave, each fading out like a struck bell.
"""

from __future__ import annotations

import math

from hardware.speech.wav import SAMPLE_RATE, write_wav

CLICK_S = 0.030
CLICK_HZ = 900.0
CLICK_LEVEL = 0.3
CHIME_NOTES_HZ = (659.25, 880.0)  # E5, A5
CHIME_NOTE_S = 0.45
CHIME_GAP_S = 0.18  # the second note starts while the first still rings
CHIME_LEVEL = 0.4


def _envelope(t: float, length: float, rise: float, decay: float) -> float:
    """A raised-cosine rise, an exponential decay, and a short fade to exactly zero."""
    if t < 0.0 or t >= length:
        return 0.0
    rise_part = 0.5 - 0.5 * math.cos(math.pi * t / rise) if t < rise else 1.0
    fade = min(1.0, (length - t) / (0.1 * length))
    return rise_part * math.exp(-max(0.0, t - rise) / decay) * fade


def click_wav(rate: int = SAMPLE_RATE) -> bytes:
    n = round(CLICK_S * rate)
    return write_wav(
        CLICK_LEVEL
        * _envelope(i / rate, CLICK_S, 0.003, 0.008)
        * math.sin(2 * math.pi * CLICK_HZ * i / rate)
        for i in range(n)
    )


def _note(t: float, hz: float) -> float:
    tone = math.sin(2 * math.pi * hz * t) + 0.2 * math.sin(4 * math.pi * hz * t)
    return _envelope(t, CHIME_NOTE_S, 0.005, 0.15) * tone / 1.2


def chime_wav(rate: int = SAMPLE_RATE) -> bytes:
    first, second = CHIME_NOTES_HZ
    length = CHIME_GAP_S + CHIME_NOTE_S
    n = round(length * rate)
    return write_wav(
        CHIME_LEVEL * 0.6 * (_note(i / rate, first) + _note(i / rate - CHIME_GAP_S, second))
        for i in range(n)
    )
