"""The voice's settings: one flat table (plain types only, so a TOML `[speech]` section maps
onto it key by key).

    [speech]
    engine = "espeak-ng"          # which engine speaks (hardware.speech.engine.ENGINES)
    espeak_program = "espeak-ng"  # its program: a name on PATH or a full path
    voices = []                   # overrides, "lang=voice", e.g. ["en=en-us"]; default: the code
    base_wpm = 160                # words a minute at speed 1.0 (espeak-ng's own default is 175;
                                  # a little slower suits older visitors)
    timeout = 10.0                # seconds one phrase may take to make
    speed = 1.0                   # 0.75 … 1.5, the visitor can change it
    volume = 0.8                  # 0.0 … 1.0, the visitor can change it
    clicks = true                 # a soft tick on every tap
    chime = true                  # a chime with the "more time?" prompt
    speaker = true                # may the speaker talk when no earphone is plugged in?
    speaker_device = ""           # SDL audio device for the speaker; "" = the system default
    earphone_device = ""          # SDL audio device for the earphone jack; "" = the same one
                                  # (a switching jack cuts the speaker: docs/accessibility.md)
    rest_after_s = 30.0           # silence after which the sound device is closed until the
                                  # next sound (an open mixer costs CPU all the time); 0 = never
    cache_mb = 512                # the phrase cache's size on disk (the bundled content's
                                  # phrases take about 250 MB at one speed)
"""

from __future__ import annotations

from dataclasses import dataclass

SPEED_MIN = 0.75
SPEED_MAX = 1.5
VOLUME_STEPS = (0.2, 0.4, 0.6, 0.8, 1.0)  # what the visitor's quieter / louder steps through
SPEED_STEPS = (0.75, 1.0, 1.25, 1.5)
# The engines a configuration may name (`engine.ENGINES` makes them; kept here so that the
# configuration is checked without loading the engines).
KNOWN_ENGINES = ("espeak-ng",)


@dataclass(frozen=True)
class SpeechSettings:
    engine: str = "espeak-ng"
    espeak_program: str = "espeak-ng"
    voices: tuple[str, ...] = ()
    base_wpm: int = 160
    timeout: float = 10.0
    speed: float = 1.0
    volume: float = 0.8
    clicks: bool = True
    chime: bool = True
    speaker: bool = True
    speaker_device: str = ""
    earphone_device: str = ""
    cache_mb: int = 512
    rest_after_s: float = 30.0

    def voice_map(self) -> dict[str, str]:
        """`voices` as {lang: voice}; entries that are not "lang=voice" are left out
        (`settings_problems` reports them)."""
        pairs = (entry.partition("=") for entry in self.voices)
        return {lang.strip(): voice.strip() for lang, eq, voice in pairs if eq and voice.strip()}


def settings_problems(settings: SpeechSettings) -> list[str]:
    """What is wrong with `settings`, one sentence each; empty when all is well."""
    found = []
    if settings.engine not in KNOWN_ENGINES:
        found.append(f"engine {settings.engine!r} is unknown (known: {', '.join(KNOWN_ENGINES)})")
    for entry in settings.voices:
        lang, eq, voice = entry.partition("=")
        if not eq or not lang.strip() or not voice.strip():
            found.append(f'voices entry {entry!r} must look like "en=en-us"')
    if not 60 <= settings.base_wpm <= 400:
        found.append(f"base_wpm {settings.base_wpm} must be within 60 … 400")
    if not 0 < settings.timeout <= 120:
        found.append(f"timeout {settings.timeout} must be within 0 … 120 seconds")
    if not SPEED_MIN <= settings.speed <= SPEED_MAX:
        found.append(f"speed {settings.speed} must be within {SPEED_MIN} … {SPEED_MAX}")
    if not 0.0 <= settings.volume <= 1.0:
        found.append(f"volume {settings.volume} must be within 0.0 … 1.0")
    if settings.rest_after_s < 0:
        found.append(f"rest_after_s {settings.rest_after_s} must be 0 (never) or more")
    if settings.cache_mb < 1:
        found.append(f"cache_mb {settings.cache_mb} must be at least 1")
    return found
