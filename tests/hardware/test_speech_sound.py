"""The click, the chime, the WAV measurements and the tap-to-speech bench."""

from __future__ import annotations

import itertools
from array import array

import pytest

from hardware.speech.bench import (
    Latency,
    bench_tap_to_speech,
    format_tap_to_speech,
    measure_tap_to_speech,
    percentile,
)
from hardware.speech.tones import chime_wav, click_wav
from hardware.speech.wav import Pcm, is_wav, read_wav, trim_leading_silence, write_wav


def crossings_hz(samples: array[int], rate: int) -> float:
    """The pitch, roughly: zero crossings per second over two."""
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)


def test_the_tap_click_is_short_soft_and_does_not_pop() -> None:
    click = read_wav(click_wav())
    assert 0.025 <= click.duration_s <= 0.040
    assert click.rms > 0.03  # audible
    assert click.peak <= 0.35  # soft: a third of full scale at most
    assert abs(click.samples[0]) < 30 and abs(click.samples[-1]) < 30  # no step at either end
    assert crossings_hz(click.samples, click.rate) < 1500  # a low tick, not a shrill beep


def test_the_chime_is_two_gentle_rising_notes() -> None:
    chime = read_wav(chime_wav())
    assert 0.5 <= chime.duration_s <= 1.0
    assert chime.rms > 0.02 and chime.peak <= 0.35
    assert abs(chime.samples[0]) < 30 and abs(chime.samples[-1]) < 30
    third = len(chime.samples) // 3
    first = crossings_hz(chime.samples[:third], chime.rate)
    last = crossings_hz(chime.samples[-third:], chime.rate)
    assert 500 < first < last < 1200  # rises, and stays in a mellow range
    late = Pcm(chime.rate, 1, chime.samples[-len(chime.samples) // 10 :])
    assert late.rms < chime.rms / 3  # it fades out rather than stopping dead


def test_wav_measurements() -> None:
    silence = read_wav(write_wav([0.0] * 2205))
    assert silence.rms == 0.0 and silence.duration_s == pytest.approx(0.1)
    square = read_wav(write_wav([0.5, -0.5] * 1000))
    assert square.rms == pytest.approx(0.5, abs=0.001)
    assert square.peak == pytest.approx(0.5, abs=0.001)
    assert not is_wav(b"RIFF\x00\x00")
    lead_in = write_wav([0.0] * 2205 + [0.5, -0.5] * 100)
    trimmed = read_wav(trim_leading_silence(lead_in))
    assert trimmed.duration_s == pytest.approx((110 + 200) / 22050, abs=1e-4)  # 5 ms kept
    quiet = write_wav([0.0] * 100)
    assert trim_leading_silence(quiet) == quiet
    assert not is_wav(write_wav([]))


def test_percentiles_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_tap_to_speech_is_measured_on_the_clock_it_is_given() -> None:
    ticks = iter([0.0, 0.012, 1.0, 1.020, 2.0, 2.011])  # asked, started, asked, started, ...
    said: list[str] = []
    times = measure_tap_to_speech(
        lambda text, lang: said.append(text),
        lambda: next(ticks),
        "안녕",
        "ko",
        samples=3,
        clock=lambda: next(ticks),
    )
    assert times == pytest.approx([0.012, 0.020, 0.011])
    assert said == ["안녕"] * 3
    summary = Latency.of("button, cached", times, 0.050)
    assert summary.p50_s == pytest.approx(0.012) and summary.met


def test_the_bench_runs_with_the_real_voice() -> None:
    results = bench_tap_to_speech(samples=3)
    assert [r.label for r in results] == [
        "button, cached",
        "button, uncached",
        "card, cached",
        "card, uncached",
    ]
    for r in results:
        assert 0.0 < r.p50_s <= r.p99_s <= r.max_s < 10.0
    cached, uncached = results[0], results[1]
    assert cached.p50_s < uncached.p50_s  # the cache is what makes the difference
    assert "p99" in format_tap_to_speech(results)


def test_the_bench_says_when_the_voice_cannot_speak() -> None:
    with pytest.raises(RuntimeError, match="cannot speak"):
        bench_tap_to_speech(samples=1, program="/nonexistent/espeak-ng")
