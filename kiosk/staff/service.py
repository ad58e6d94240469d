"""The service button inside the cabinet, as a pygame event: gpiozero calls back on its own
thread, and posting an event is the thread-safe way into the frame loop."""

from __future__ import annotations

import logging

import pygame

from hardware.gpio import ServiceButton

log = logging.getLogger(__name__)

# A fixed number, so the app and the poster agree without shared state.
SERVICE_BUTTON_EVENT = pygame.USEREVENT + 1


def post_service_button_to_pygame(button: ServiceButton) -> None:
    """Each press of the service button posts a SERVICE_BUTTON_EVENT."""

    def post() -> None:
        try:
            pygame.event.post(pygame.event.Event(SERVICE_BUTTON_EVENT))
        except pygame.error:  # the display is not up yet (or any more): the press is lost
            log.warning("service button pressed while the UI is not running")

    button.on_press(post)
