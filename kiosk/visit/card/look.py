"""How a card is inked: colours and sizes, for a screen or for paper.

`CardLook.screen(palette)` follows the screen's palette (고대비 gives a plain paper with no
texture); `MONO` is the printer's: white paper, black ink, no texture, no shadow. `CardKit`
adds the type sizes: from the screen's metrics, or from the paper's width in dots.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ui.fonts import FontBook
from kiosk.ui.scene import Typesetter
from kiosk.ui.theme import RGB, Metrics, Palette

BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True)
class CardLook:
    paper: RGB
    ink: RGB
    muted: RGB  # labels; still at least 4.5:1 on the paper
    accent: RGB  # the medicine, the rules
    seal: RGB  # the pharmacy's red seal
    warn: RGB  # the gentle help line
    backdrop: RGB  # what shows through the perforation and the torn edge
    texture: bool = True  # a faint paper grain (never in 고대비, never on paper)
    shadow: bool = True
    mono: bool = False  # 1-bit printing: pictures as outlines, no tints

    @classmethod
    def screen(cls, palette: Palette, *, plain: bool = False) -> CardLook:
        """The card on a screen; `plain` (고대비): no grain, no tints behind text."""
        return cls(
            paper=palette.paper,
            ink=palette.ink,
            muted=palette.muted,
            accent=palette.primary,
            seal=palette.stamp,
            warn=palette.help,
            backdrop=palette.background,
            texture=not plain,
        )


MONO = CardLook(
    paper=WHITE,
    ink=BLACK,
    muted=BLACK,
    accent=BLACK,
    seal=BLACK,
    warn=BLACK,
    backdrop=WHITE,
    texture=False,
    shadow=False,
    mono=True,
)


@dataclass(frozen=True)
class CardKit:
    """Type and ink for one card: `small_px` is the floor (labels, number, dosage), `body_px`
    the phrase, `large_px` the medicine. A card may set them larger when it has room."""

    typesetter: Typesetter
    small_px: int
    body_px: int
    large_px: int
    look: CardLook

    @classmethod
    def for_screen(cls, typesetter: Typesetter, metrics: Metrics, look: CardLook) -> CardKit:
        return cls(typesetter, metrics.min_px, metrics.body_px, metrics.title_px, look)

    @classmethod
    def for_paper(cls, fonts: FontBook, width: int) -> CardKit:
        """Printed at 203 dpi (8 dots a mm): 58 mm paper is 384 dots, 80 mm is 576. The
        smallest text is about 3 mm tall there, read in the hand, not at arm's length."""
        small = max(16, round(width / 17))
        return cls(
            Typesetter(fonts, small),
            small,
            round(small * 1.2),
            round(small * 1.6),
            MONO,
        )
