"""hwtest's voice checks: espeak-ng speaks, the technician hears the speaker, and an earphone
takes the sound from the speaker. The phrase really plays (pygame's mixer, dummy driver)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.diagnostics import Answer, ScriptedPrompter, Status, audio_checks, run_checks
from hardware.speech.settings import SpeechSettings
from tests.kiosk.test_hwtest_cli import hwtest_cli
from tests.kiosk.voice_support import HeardAudioOut


@pytest.fixture
def fresh_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No machine configuration anywhere, data in a temporary directory: simulation."""
    monkeypatch.setattr("kiosk.shell.config.DEVICE_CONFIG", tmp_path / "no-such-kiosk.toml")
    monkeypatch.delenv("MAEUM_CONFIG", raising=False)
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_the_phrase_plays_and_the_technicians_answers_decide() -> None:
    played: list[HeardAudioOut] = []

    def output() -> HeardAudioOut:
        played.append(HeardAudioOut())
        return played[-1]

    person = ScriptedPrompter(answers={"audio.speaker": Answer.YES, "audio.earphone": Answer.NO})
    checks = audio_checks(SpeechSettings(volume=0.6), person, audio=output)
    outcomes = {o.check.name: o.result for o in run_checks(checks, person_present=True)}
    assert outcomes["audio.engine"].status is Status.PASS
    assert outcomes["audio.speaker"].status is Status.PASS
    earphone = outcomes["audio.earphone"]
    assert earphone.status is Status.FAIL and "normally-closed" in earphone.next_step
    assert [p.volumes for p in played] == [[0.6], [0.6]]  # played at the configured volume
    assert all(p.seconds[0] > 2.0 for p in played)  # the whole test phrase, both languages
    asked = [line for line in person.log if line.startswith("ask")]
    assert "Did you hear the test phrase from the speaker?" in asked[0]
    assert any("Plug an earphone into the front jack" in line for line in person.log)


def test_a_missing_espeak_ng_fails_with_the_install_step_and_nothing_is_played() -> None:
    person = ScriptedPrompter(answers={"audio.speaker": Answer.YES})
    checks = audio_checks(SpeechSettings(espeak_program="/nonexistent/espeak-ng"), person)
    outcomes = {o.check.name: o.result for o in run_checks(checks, person_present=True)}
    engine = outcomes["audio.engine"]
    assert engine.status is Status.FAIL and "apt install espeak-ng" in engine.next_step
    assert outcomes["audio.speaker"].status is Status.SKIP  # not tried without the engine
    assert not [line for line in person.log if line.startswith("ask")]


def test_a_dead_sound_device_fails_naming_the_outputs_there_are() -> None:
    person = ScriptedPrompter()
    checks = audio_checks(SpeechSettings(speaker_device="no such device"), person)
    result = {o.check.name: o.result for o in run_checks(checks, person_present=True)}
    speaker = result["audio.speaker"]
    assert speaker.status is Status.FAIL and "no such device" in speaker.reason
    assert "System audio output device" in speaker.next_step  # SDL's dummy output's name


def test_the_command_runs_the_voice_checks_with_a_technician(fresh_checkout: Path) -> None:
    run = hwtest_cli(fresh_checkout, "--only", "audio", answers="y\ny\n", interactive=True)
    audio = {c["name"]: c["status"] for c in run.report["checks"] if c["group"] == "audio"}
    assert audio == {"audio.engine": "PASS", "audio.speaker": "PASS", "audio.earphone": "PASS"}
    assert run.status == 0 and "(스피커에서 안내 음성이 들렸나요?)" in run.out
    quiet = hwtest_cli(fresh_checkout, "--only", "audio", "--yes")
    statuses = {c["name"]: c["status"] for c in quiet.report["checks"] if c["group"] == "audio"}
    assert statuses == {"audio.engine": "PASS", "audio.speaker": "SKIP", "audio.earphone": "SKIP"}
