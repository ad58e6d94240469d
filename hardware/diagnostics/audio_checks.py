"""The voice's checks, with the technician: the engine speaks, the speaker is heard, and an
earphone takes the sound from the speaker (the barrier-free rule).

- `audio.engine`: espeak-ng makes the Korean and the English test phrase (no person needed).
- `audio.speaker`: the test phrase plays on the speaker's output; "did you hear it?".
- `audio.earphone`: with an earphone in the front jack the phrase plays again; "did you hear it
  in the earphone, and nothing from the speaker?". A switched jack cuts the speaker in copper
  (docs/accessibility.md); a separate earphone device is opened by its name.

The sound plays while the question waits for the answer, and stops when it is given.
"""

from __future__ import annotations

from collections.abc import Callable

from hardware.diagnostics.checks import Check, CheckResult, failed, passed, skipped
from hardware.diagnostics.person import Answer, Prompter
from hardware.speech.audio_out import AudioOut, PygameAudioOut, output_device_names
from hardware.speech.engine import SpeechEngine, make_engine
from hardware.speech.errors import AudioDeviceError, EngineMissing, SpeechError
from hardware.speech.settings import SpeechSettings
from hardware.speech.wav import join_wavs, read_wav

TEST_PHRASES = (
    ("마음약방 소리 점검입니다. 하나, 둘, 셋.", "ko"),
    ("Mind Pharmacy sound check. One, two, three.", "en"),
)
INSTALL_HINT = "install it: sudo apt install espeak-ng (the installer does), then run hwtest again"


class _Phrase:
    """The test phrase, made once by the engine check and played by the others."""

    def __init__(self, engine: SpeechEngine, speed: float) -> None:
        self.engine = engine
        self.speed = speed
        self.wav: bytes | None = None

    def make(self) -> bytes:
        if self.wav is None:
            parts = [self.engine.synthesize(t, lang, self.speed) for t, lang in TEST_PHRASES]
            self.wav = join_wavs(parts)
        return self.wav


def audio_checks(
    settings: SpeechSettings,
    prompter: Prompter,
    *,
    audio: Callable[[], AudioOut] = PygameAudioOut,
    engine: SpeechEngine | None = None,
) -> list[Check]:
    """The voice's checks, from the `[speech]` settings. `audio` makes the output (tests pass
    one that records what it played)."""
    phrase = _Phrase(engine if engine is not None else make_engine(settings), settings.speed)

    def engine_check() -> CheckResult:
        try:
            wav = phrase.make()
        except EngineMissing as exc:
            return failed(
                f"the speech program is missing: {exc} (음성 프로그램 없음)", INSTALL_HINT
            )
        except SpeechError as exc:
            return failed(
                f"the speech program failed: {exc}",
                f'try by hand: {settings.espeak_program} -v ko "안녕하세요"; check [speech] voices',
            )
        seconds = read_wav(wav).duration_s
        return passed(f"espeak-ng spoke the test phrase ({seconds:.1f} s)", seconds=seconds)

    def play_and_ask(device: str, key: str, question: str) -> tuple[Answer | None, str]:
        """(the answer, "") or (None, why nothing could be played)."""
        out = audio()
        try:
            out.open(device)
            out.play_speech(phrase.make(), settings.volume)
            prompter.note(f"Playing the test phrase on {device or 'the default output'}.")
            return prompter.ask(key, question), ""
        except (AudioDeviceError, SpeechError) as exc:
            return None, str(exc)
        finally:
            try:
                out.stop_speech()
            finally:
                out.close()

    def speaker_check() -> CheckResult:
        if not settings.speaker:
            return skipped("[speech] speaker = false: the voice is only ever heard by earphone")
        names = output_device_names()
        answer, error = play_and_ask(
            settings.speaker_device,
            "audio.speaker",
            "Did you hear the test phrase from the speaker? (스피커에서 안내 음성이 들렸나요?)",
        )
        if answer is None:
            return failed(
                f"no sound can be played: {error} (소리 장치 안 열림)",
                "aplay -l must list the card; check [speech] speaker_device against the names "
                f"here; the service user needs the audio group. Outputs: {names or 'none'}",
                outputs=names,
            )
        return _verdict(
            answer,
            "the technician heard the speaker (스피커 정상)",
            "the phrase played but nobody heard it (스피커 안 들림)",
            "check the amplifier's power and its input from the Pi (the 3.5 mm jack on a Pi 4, "
            "the USB adapter on a Pi 5), the speaker wires, and the level in alsamixer",
            names,
        )

    def earphone_check() -> CheckResult:
        names = output_device_names()
        device = settings.earphone_device or settings.speaker_device
        prompter.note(
            "Plug an earphone into the front jack (앞면 이어폰 잭에 이어폰을 꽂아 주세요)."
        )
        answer, error = play_and_ask(
            device,
            "audio.earphone",
            "Do you hear the phrase in the earphone, and nothing from the speaker? "
            "(이어폰에서만 들리고 스피커는 조용한가요?)",
        )
        if answer is None:
            return failed(
                f"the earphone output cannot play: {error} (이어폰 출력 안 열림)",
                "check the USB earphone adapter and [speech] earphone_device against the names "
                f"here. Outputs: {names or 'none'}",
                outputs=names,
            )
        return _verdict(
            answer,
            "the earphone takes the sound and the speaker stays silent (이어폰 정상)",
            "the earphone is silent, or the speaker still talks (이어폰 규칙 어김)",
            "a switched jack: its normally-closed contacts must feed the amplifier, so a plug "
            "cuts the speaker; two devices: check [speech] earphone_device",
            names,
        )

    return [
        Check("audio.engine", "speech program (espeak-ng)", "audio", engine_check),
        Check(
            "audio.speaker",
            "speaker: test phrase heard",
            "audio",
            speaker_check,
            needs_person=True,
            requires=("audio.engine",),
        ),
        Check(
            "audio.earphone",
            "earphone jack: heard, speaker silent",
            "audio",
            earphone_check,
            needs_person=True,
            requires=("audio.engine",),
        ),
    ]


def _verdict(answer: Answer, yes: str, no: str, next_step: str, names: list[str]) -> CheckResult:
    if answer is Answer.YES:
        return passed(yes, outputs=names)
    if answer is Answer.SKIP:
        return skipped("the technician could not tell", outputs=names)
    return failed(no, next_step, outputs=names)
