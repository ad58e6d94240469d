"""Shared test setup. SDL must be told to stay headless before pygame is first imported,
so the environment is set at import time of this file, which pytest loads first."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from collections.abc import Iterator

import pygame
import pytest
from hypothesis import HealthCheck, settings

# Shared machines are slow at times: no per-example deadline and no "too slow" health check,
# which made tests fail by the clock, not by what they check. On CI the examples are
# derandomized, so a failure there is the same failure on a developer's machine.
settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("ci", settings.get_profile("dev"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def pygame_font() -> Iterator[None]:
    """pygame.font initialised once for the session (fonts and text rendering need it)."""
    pygame.font.init()
    yield
    pygame.font.quit()
