"""Shared test setup. SDL must be told to stay headless before pygame is first imported,
so the environment is set at import time of this file, which pytest loads first."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from collections.abc import Iterator

import pygame
import pytest


@pytest.fixture(scope="session")
def pygame_font() -> Iterator[None]:
    """pygame.font initialised once for the session (fonts and text rendering need it)."""
    pygame.font.init()
    yield
    pygame.font.quit()
