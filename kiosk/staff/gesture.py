"""The hidden way into staff mode when the cabinet is closed: a press held for three seconds
in the top-left corner of the screen. Pure: positions and `now` in, "open" out.

A press that leaves the corner, or lets go early, is an ordinary touch. Once the press has
opened staff mode, its release is swallowed, so it does not also press whatever button is
under the finger.
"""

from __future__ import annotations

from dataclasses import dataclass

HOLD_S = 3.0


@dataclass
class CornerPress:
    size: int  # side of the corner square, in pixels
    hold_s: float = HOLD_S
    _down_at: float | None = None
    _fired: bool = False

    def in_corner(self, pos: tuple[int, int]) -> bool:
        return 0 <= pos[0] < self.size and 0 <= pos[1] < self.size

    def down(self, pos: tuple[int, int], now: float) -> None:
        self._fired = False
        self._down_at = now if self.in_corner(pos) else None

    def move(self, pos: tuple[int, int]) -> None:
        if self._down_at is not None and not self.in_corner(pos):
            self._down_at = None

    @property
    def pressed_since(self) -> float | None:
        """When a press still held in the corner began (None: none, or it already fired)."""
        return None if self._fired else self._down_at

    def due(self, now: float) -> bool:
        """True once, when the press has been held long enough."""
        if self._down_at is None or self._fired or now - self._down_at < self.hold_s:
            return False
        self._fired = True
        return True

    def up(self, now: float) -> bool:
        """The finger lifted; True when this release belongs to a press that opened staff mode
        (or does now: held long enough, though no frame came in between)."""
        fired = self._fired or self.due(now)
        self._down_at, self._fired = None, False
        return fired
