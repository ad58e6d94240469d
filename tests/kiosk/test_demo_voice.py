"""`demo --access voice`: beside every PNG, exactly what voice guidance says there (.txt) and
how it sounds (.wav, made by the kiosk's own engine and phrase cache). And `[speech]` in the
machine configuration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hardware.speech.wav import read_wav
from kiosk.cli import build_parser
from kiosk.commands import demo as demo_command
from kiosk.shell.config import KioskConfig, parse_config
from kiosk.shell.errors import ConfigError
from kiosk.tools.demo import run_demo
from kiosk.ui.theme import panel
from kiosk.visit.flow import Access, Mode, Screen
from tests.kiosk.ui_support import fonts


def test_with_voice_every_screenshot_has_its_words_and_their_sound(
    tmp_path: Path, pygame_font: None
) -> None:
    config = replace(KioskConfig(), display=panel(1024, 600), data_dir=tmp_path / "data")
    voice = Access(frozenset({Mode.VOICE}))
    shots = run_demo(config, tmp_path / "out", lang="ko", fonts=fonts(), access=voice)
    assert {s.screen for s in shots} == set(Screen)
    for shot in shots:
        words = shot.path.with_suffix(".txt").read_text(encoding="utf-8")
        sound = read_wav(shot.path.with_suffix(".wav").read_bytes())
        lines = [line for line in words.splitlines() if line]
        # About two seconds of speech for every twenty characters, give or take: the sound
        # holds the words, not silence or a stub.
        assert 0.05 * len("".join(lines)) < sound.duration_s < 0.5 * len("".join(lines)), shot
        assert sound.rms > 0.02, shot.name
    by_name = {s.name: s.path.with_suffix(".txt").read_text(encoding="utf-8") for s in shots}
    assert by_name["attract"].startswith("음성 안내를 시작해요.\n마음약방\n")
    assert "일 오 칠 칠, 공 일 구 구" in by_name["help"]
    assert by_name["more-time"].startswith("시간이 더 필요하세요?\n")
    assert "오늘의 처방전이 나왔어요" in by_name["prescription"]
    assert "기계가 잠시 멈췄어요" in by_name["take-item-motor-fault"]
    assert (config.data_dir / "speech-cache").is_dir()  # made once, kept for the next run


def test_without_voice_no_words_are_written(tmp_path: Path, pygame_font: None) -> None:
    config = replace(KioskConfig(), display=panel(800, 480), data_dir=tmp_path / "data")
    run_demo(config, tmp_path, lang="en", fonts=fonts(), access=Access(frozenset({Mode.LARGE})))
    assert list(tmp_path.glob("*.png")) and not list(tmp_path.glob("*.txt"))


def test_an_unknown_mode_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["demo", "--access", "voice,loud", "--out", "/nonexistent"])
    assert demo_command.run(args) == 2
    assert "--access takes large, contrast, low, voice" in capsys.readouterr().err


def test_the_speech_section_is_read_and_checked(tmp_path: Path) -> None:
    where = tmp_path / "kiosk.toml"
    config = parse_config(
        {"speech": {"speed": 1.25, "voices": ["en=en-us"], "speaker": False}}, where, {}
    )
    assert config.speech.speed == 1.25 and config.speech.voice_map() == {"en": "en-us"}
    assert not config.speech.speaker
    with pytest.raises(ConfigError, match=r"\[speech\]: speed 3.0 must be within"):
        parse_config({"speech": {"speed": 3.0}}, where, {})
    with pytest.raises(ConfigError, match=r"\[speech\]: unknown key"):
        parse_config({"speech": {"loudness": 1}}, where, {})
