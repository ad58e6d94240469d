"""The kiosk's own measures of content, for the centre and the agent: the card check that
`content check` makes (does every card fit the smallest screen, measured with the kiosk's
real fonts and layout) and the version fingerprint staff mode shows.

Imported only when content is checked: pygame and the fonts load on first use, in the
process that needs them (the central server when staff upload, the agent when a bundle
arrives), never at start.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prescriptions.checks import FitCheck, FitCheckFor
    from prescriptions.model import Content, Prescription


def card_check() -> FitCheckFor:
    """`fits_for` for `prescriptions.checks.check_directory`: the kiosk's card check at the
    smallest supported screen, one font book for the life of the returned function. pygame's
    fonts are not for two threads at once, so each check holds a lock while it measures."""
    lock = threading.Lock()
    fonts: list[object] = []

    def fits_for(content: Content) -> FitCheck:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        from kiosk.ui.card import make_fit_check
        from kiosk.ui.fonts import FontBook

        with lock:
            if not fonts:
                fonts.append(FontBook())
            book = fonts[0]
            assert isinstance(book, FontBook)
            check = make_fit_check(content, fonts=book)

        def fits(prescription: Prescription, lang: str) -> str | None:
            with lock:
                return check(prescription, lang)

        return fits

    return fits_for


def content_version(content: Content) -> str:
    """The fingerprint the kiosk reports for the content it serves (kiosk.staff.content)."""
    from kiosk.staff.content import fingerprint

    return fingerprint(content)
