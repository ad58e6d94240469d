"""`hwtest`'s printer checks, built from the configuration, and the test slip they print: a
grid of 8 mm squares (every dot row and column of the head), a line of Korean and a line of
English, and marks at both edges of the paper."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from hardware.diagnostics import Check, Prompter, skipped

if TYPE_CHECKING:
    from hardware.printer import Raster
    from kiosk.shell.config import KioskConfig
    from kiosk.ui.fonts import FontBook

SQUARE_DOTS = 64  # 8 mm
TEST_LINES = (
    "마음약방 프린터 시험",
    "가나다라마바사 아자차카",
    "Printer test · 0123456789",
)


def printer_checks_for(
    config: KioskConfig, prompter: Prompter, closers: list[Callable[[], None]]
) -> list[Check]:
    """The printer the configuration names (a simulated one runs here, its slips in the data
    folder); one skipped check when there is none."""
    from hardware.diagnostics import PrinterSession, failed, printer_checks
    from hardware.printer import PrinterSettings, open_printer
    from hardware.printer.simulator import PtyPrinterServer, SimulatedPrinter

    cfg = config.printer
    if not cfg.enabled:
        return [
            Check(
                "printer.present",
                "receipt printer present",
                "printer",
                lambda: skipped('no printer configured ([printer] kind = "none")'),
            )
        ]
    server: PtyPrinterServer | None = None
    if cfg.kind == "simulated":
        dots = 384 if cfg.paper_mm == 58 else 576
        out = config.data_dir / "printer-sim"
        server = PtyPrinterServer(SimulatedPrinter(dots=dots, out_dir=out)).start()
        closers.append(server.stop)
    try:
        settings = PrinterSettings.from_table(cfg.table(server.path if server else None))
    except ValueError as exc:
        problem = str(exc)
        return [
            Check(
                "printer.present",
                "receipt printer present",
                "printer",
                lambda: failed(f"[printer]: {problem}", "fix [printer] in the configuration"),
            )
        ]
    session = PrinterSession(lambda: open_printer(settings), settings.where)
    closers.append(session.close)
    fonts = _fonts()
    sim = server

    def where_printed() -> str:
        slips = sim.slips if sim is not None else []
        return str(slips[-1].png) if slips and slips[-1].png else ""

    return printer_checks(
        session, prompter, lambda dots: draw_test_slip(dots, fonts), where_printed=where_printed
    )


def _fonts() -> FontBook:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from kiosk.ui.fonts import FontBook

    pygame.font.init()
    return FontBook()


def draw_test_slip(dots: int, fonts: FontBook) -> Raster:
    """The test slip, `dots` wide, as the printer takes it."""
    import pygame
    from PIL import Image

    from hardware.printer import to_1bit

    px = 28 if dots < 480 else 32
    line_h = round(px * 1.4)
    grid_h = 2 * SQUARE_DOTS
    lines = (*TEST_LINES, f"|← {dots} dots →|")
    height = grid_h + len(lines) * line_h + 24
    surface = pygame.Surface((dots, height))
    surface.fill((255, 255, 255))
    black = (0, 0, 0)
    for x in range(0, dots + 1, SQUARE_DOTS):
        pygame.draw.rect(surface, black, (min(x, dots - 2), 0, 2, grid_h))
    for y in (0, SQUARE_DOTS, grid_h - 2):
        pygame.draw.rect(surface, black, (0, y, dots, 2))
    y = grid_h + 12
    for text in lines:
        size = px
        while size > 12 and fonts.measure(text, size) > dots - 8:  # never cut at the edges
            size -= 2
        line = fonts.render(text, size, black)
        surface.blit(line, ((dots - line.get_width()) // 2, y))
        y += line_h
    gray = Image.frombytes("RGB", (dots, height), pygame.image.tobytes(surface, "RGB"))
    return to_1bit(gray.convert("L").tobytes(), dots)
