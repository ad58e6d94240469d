"""espeak-ng for real: Korean and English phrases become WAVs a visitor can hear."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hardware.speech.engine import (
    EspeakEngine,
    clamp_speed,
    make_engine,
    settings_problems,
)
from hardware.speech.errors import EngineMissing, SynthesisFailed, SynthesisTimeout
from hardware.speech.settings import SpeechSettings
from hardware.speech.wav import read_wav

KO = "지금 도움이 필요해요. 공 이, 일 이 공으로 전화하신 뒤, 오 번을 누르세요."
EN = "I need help now. Call zero two, one two zero, then press five."


def fake_program(folder: Path, body: str) -> str:
    """A stand-in for espeak-ng that misbehaves in one particular way."""
    script = folder / "fake-espeak"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize(("text", "lang"), [(KO, "ko"), (EN, "en")])
def test_a_phrase_becomes_an_audible_wav(text: str, lang: str) -> None:
    pcm = read_wav(EspeakEngine().synthesize(text, lang, 1.0))
    assert pcm.rate == 22050
    assert pcm.channels == 1
    assert 2.0 < pcm.duration_s < 15.0  # a dozen words, not a blip and not a hang
    assert pcm.rms > 0.02  # speech, not silence
    assert pcm.peak < 1.0  # and not clipped flat


def test_speech_starts_without_a_silent_lead_in() -> None:
    # espeak-ng's Korean voice opens with ~40 ms of silence; after a tap that is heard as lag.
    for text, lang in ((KO, "ko"), (EN, "en")):
        pcm = read_wav(EspeakEngine().synthesize(text, lang, 1.0))
        onset = next(i for i, s in enumerate(pcm.samples) if abs(s) > 0.01 * 32767)
        assert onset / pcm.rate <= 0.010


def test_faster_speech_is_shorter_and_slower_is_longer() -> None:
    engine = EspeakEngine()
    durations = [read_wav(engine.synthesize(KO, "ko", s)).duration_s for s in (0.75, 1.0, 1.5)]
    slow, normal, fast = durations
    assert slow > normal * 1.15
    assert fast < normal * 0.85


def test_speed_is_kept_within_three_quarters_and_one_and_a_half() -> None:
    assert clamp_speed(0.1) == 0.75
    assert clamp_speed(9.0) == 1.5
    assert clamp_speed(1.12) == 1.1
    assert EspeakEngine(base_wpm=160).words_per_minute(1.5) == 240


def test_text_that_looks_like_an_option_is_spoken_not_obeyed() -> None:
    pcm = read_wav(EspeakEngine().synthesize("-v en --help", "en", 1.0))
    assert pcm.duration_s > 0.5


def test_a_missing_program_is_engine_missing() -> None:
    with pytest.raises(EngineMissing, match="/nonexistent/espeak-ng"):
        EspeakEngine("/nonexistent/espeak-ng").synthesize(KO, "ko", 1.0)


def test_an_unknown_voice_is_a_clear_failure() -> None:
    engine = EspeakEngine(voices={"en": "xx-no-such-voice"})
    with pytest.raises(SynthesisFailed, match="voice"):
        engine.synthesize(EN, "en", 1.0)
    with pytest.raises(SynthesisFailed, match="no voice for language"):
        EspeakEngine().voice_for("../../etc")


def test_a_hung_engine_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    # `sleep` is a child of the shell: only killing the whole group ends it in time.
    engine = EspeakEngine(fake_program(tmp_path, "sleep 30"), timeout_s=0.3)
    started = time.monotonic()
    with pytest.raises(SynthesisTimeout, match=r"longer than 0\.3 s"):
        engine.synthesize(KO, "ko", 1.0)
    assert time.monotonic() - started < 5.0


def test_a_crashing_engine_says_why(tmp_path: Path) -> None:
    engine = EspeakEngine(fake_program(tmp_path, "echo 'voice data broken' >&2; exit 3"))
    with pytest.raises(SynthesisFailed, match=r"exit 3\): voice data broken"):
        engine.synthesize(KO, "ko", 1.0)


def test_an_engine_writing_garbage_is_refused(tmp_path: Path) -> None:
    body = 'while [ "$1" != "-w" ]; do shift; done; echo nope > "$2"'
    with pytest.raises(SynthesisFailed, match="unusable WAV"):
        EspeakEngine(fake_program(tmp_path, body)).synthesize(KO, "ko", 1.0)


def test_empty_or_huge_text_is_refused_without_running_anything() -> None:
    engine = EspeakEngine("/nonexistent/espeak-ng")
    with pytest.raises(SynthesisFailed, match="empty"):
        engine.synthesize("  ", "ko", 1.0)
    with pytest.raises(SynthesisFailed, match="too long"):
        engine.synthesize("가" * 5000, "ko", 1.0)


def test_the_engine_is_chosen_by_name_in_the_settings() -> None:
    engine = make_engine(SpeechSettings(voices=("en=en-us",), base_wpm=150))
    assert isinstance(engine, EspeakEngine)
    assert engine.voice_for("en") == "en-us"
    assert engine.voice_for("ko") == "ko"
    with pytest.raises(ValueError, match=r"unknown speech engine 'piper' \(known: espeak-ng\)"):
        make_engine(SpeechSettings(engine="piper"))


def test_the_identity_changes_with_the_program() -> None:
    assert EspeakEngine().identity() != EspeakEngine("/nonexistent/espeak-ng").identity()
    assert EspeakEngine().identity() == EspeakEngine().identity()


def test_settings_problems_name_the_key() -> None:
    assert settings_problems(SpeechSettings()) == []
    bad = SpeechSettings(
        engine="piper", voices=("en",), speed=2.0, volume=1.5, base_wpm=20, timeout=0, cache_mb=0
    )
    found = " / ".join(settings_problems(bad))
    for key in ("engine", "voices", "speed", "volume", "base_wpm", "timeout", "cache_mb"):
        assert key in found


def test_the_configuration_knows_the_same_engines_as_the_code() -> None:
    """The machine configuration checks engine names without loading the engines."""
    from hardware.speech.engine import ENGINES
    from hardware.speech.settings import KNOWN_ENGINES

    assert tuple(ENGINES) == KNOWN_ENGINES
