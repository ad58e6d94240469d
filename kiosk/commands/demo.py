"""`python main.py demo`: a scripted visit, headless, one PNG per screen.

`demo --dashboard DIR` instead clicks through the central web dashboard in headless
Chromium (sample kiosks, no broker) and writes every page at a desktop's and a phone's width
(fleet/dashboard/demo_shots.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kiosk.tools.demo brings pygame: imported by `run` only when it is needed
    from kiosk.tools.demo import DemoBlocked

NAME = "demo"
HELP = "run a scripted visit headless and write one PNG per screen"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        default="out/demo",
        metavar="DIR",
        help="where to write the PNGs (default: out/demo)",
    )
    parser.add_argument(
        "--lang",
        default=None,
        choices=["ko", "en", "all"],
        help="screen language (default: the configured one; all = both)",
    )
    parser.add_argument(
        "--all-resolutions",
        action="store_true",
        help="800x480, 1024x600, 1280x800, 1920x1080 and portrait 720x1280",
    )
    parser.add_argument("--resolution", metavar="WxH", help="one resolution, e.g. 1024x600")
    parser.add_argument(
        "--visits",
        type=int,
        default=1,
        metavar="N",
        help="run N scripted visits in a row (soak runs)",
    )
    parser.add_argument(
        "--port", metavar="URL", help="use this board (a real port or a simulator's pty)"
    )
    parser.add_argument(
        "--printer",
        metavar="DIR",
        help="print each visit's slip on a simulated receipt printer; write every slip's "
        "bytes (slip-NN.bin) and its decoded picture (slip-NN.png) to DIR",
    )
    parser.add_argument(
        "--access",
        metavar="MODES",
        default="",
        help="barrier-free modes every visit starts with, comma-separated: large, contrast, "
        "low, voice (with voice, each PNG gets a .txt and a .wav of what is said there)",
    )
    parser.add_argument(
        "--dashboard",
        metavar="DIR",
        help="instead: screenshots of the central web dashboard (needs chromium, "
        "chromium-driver and the dev extra's selenium)",
    )
    parser.add_argument(
        "--contact-sheet",
        action="store_true",
        help="also write contact-sheet-WxH.png: every screen of each resolution side by side",
    )


def parse_resolution(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError as exc:
        raise SystemExit(f"--resolution must look like 1280x800, not {text!r}") from exc
    return w, h


def run(args: argparse.Namespace) -> int:
    if args.dashboard:
        return _dashboard(Path(args.dashboard))
    from kiosk.shell.config import config_for_command
    from kiosk.tools.demo import RESOLUTIONS, DemoBlocked, run_demo
    from kiosk.visit.flow import Access

    try:
        access = Access.parse(args.access)
    except ValueError:
        print(
            f"demo: --access takes large, contrast, low, voice, not {args.access!r}",
            file=sys.stderr,
        )
        return 2

    config = config_for_command(args.config)
    if config is None:
        return 2
    sizes = (
        RESOLUTIONS
        if args.all_resolutions
        else ((parse_resolution(args.resolution),) if args.resolution else None)
    )
    langs = list(config.languages) if args.lang == "all" else [args.lang or config.language]
    if args.all_resolutions and args.lang is None:
        langs = list(config.languages)
    out = Path(args.out)
    total = 0
    paths: list[Path] = []
    cabinet = None
    if args.port:
        from kiosk.cabinet.link import open_cabinet

        cabinet = open_cabinet(config, args.port)
    printer = None
    if args.printer:
        from kiosk.tools.demo_printer import DemoPrinter

        printer = DemoPrinter(Path(args.printer), config.printer.paper_mm, config.data_dir)
    try:
        for lang in langs:
            shots = run_demo(
                config,
                out,
                lang=lang,
                resolutions=sizes,
                visits=max(1, args.visits),
                cabinet=cabinet,
                printer=printer,
                access=access,
            )
            total += len(shots)
            paths += [shot.path for shot in shots]
    except DemoBlocked as exc:
        print(blocked_message(exc, out), file=sys.stderr)
        return 1
    finally:
        if cabinet is not None:
            cabinet.close()
        if printer is not None:
            printer.close()
    where = f"board at {args.port}" if args.port else "in-process simulated dispenser"
    print(f"demo: wrote {total} screenshots to {out}/ ({config.source}; {where})")
    if printer is not None:
        print(f"demo: {len(printer.written)} printed slips in {args.printer}/ (slip-NN.bin, .png)")
    if args.contact_sheet:
        from kiosk.tools.contact_sheet import write_sheets
        from kiosk.ui.fonts import FontBook

        for sheet in write_sheets(paths, out, FontBook()):
            print(f"demo: contact sheet {sheet}")
    return 0


def blocked_message(exc: DemoBlocked, out: Path) -> str:
    """Why no visit was scripted, and which pictures were still saved."""
    saved = ", ".join(shot.path.name for shot in exc.shots) or "none"
    return (
        f"demo: the kiosk is out of service ({exc.reason}), so no visit could be scripted. "
        f"Saved what a visitor would see in {out}/: {saved}. "
        "Fix the cause (see `python main.py content check` for the content) and run it again."
    )


def _dashboard(out: Path) -> int:
    from fleet.dashboard.browser import BrowserMissing
    from fleet.dashboard.demo_shots import dashboard_screenshots

    try:
        shots = dashboard_screenshots(out)
    except BrowserMissing as exc:
        print(f"demo --dashboard: {exc}", file=sys.stderr)
        return 2
    print(f"demo: wrote {len(shots)} dashboard screenshots to {out}/ (sample kiosks, no broker)")
    return 0
