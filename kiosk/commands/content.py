"""`python main.py content`: check, export, import and preview the prescription content.

    content check [DIR]            every problem as `file:line: message [code]`; exit 1 if any
    content export FILE.xlsx       all the content as an Excel workbook, one sheet per kind
    content import FILE.xlsx       the workbook back, only if the whole result passes the checks
    content export FILE.csv        the prescriptions alone as CSV (UTF-8 with BOM, for Excel)
    content import FILE.csv        that CSV back, likewise checked
    content preview --out DIR      every prescription card as PNG, plus contact-sheet.png

DIR defaults to the configured content directory. The card check measures each prescription
with the kiosk's real font and layout at the smallest supported panel (kiosk.ui.card).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygame

    from kiosk.shell.config import KioskConfig
    from kiosk.ui.fonts import FontBook
    from prescriptions.checks import FitCheckFor, Minimums
    from prescriptions.errors import ContentIssue
    from prescriptions.model import Content

NAME = "content"
HELP = "check, export, import and preview the prescription content"

SHEET_FILE = "contact-sheet.png"
LOCALE_PREFIX = "kiosk/ui/locale/"
SHEET_COLUMNS = 8
THUMB_WIDTH = 256


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check the content (default: the configured one)")
    check.add_argument("dir", nargs="?", metavar="DIR", help="content directory")
    check.add_argument("--english", action="store_true", help="messages in English")
    export = actions.add_parser(
        "export", help="write the content to an Excel workbook (.xlsx) or the prescriptions to CSV"
    )
    export.add_argument("file", metavar="FILE.xlsx|FILE.csv")
    imp = actions.add_parser(
        "import", help="replace the content with a checked workbook (.xlsx) or CSV"
    )
    imp.add_argument("file", metavar="FILE.xlsx|FILE.csv")
    preview = actions.add_parser("preview", help="render every prescription card to PNG")
    preview.add_argument("--out", required=True, metavar="DIR", help="where to write the PNGs")
    preview.add_argument("--size", metavar="WxH", help="screen size (default: configured)")
    preview.add_argument("--lang", choices=["ko", "en", "all"], default="all")
    preview.add_argument(
        "--help-first",
        action="store_true",
        help="also every card with the help lines first (a high mood-check score)",
    )
    for sub in (export, imp, preview):
        sub.add_argument("--dir", metavar="DIR", help="content directory (default: configured)")
    for sub in (check, export, imp, preview):
        # kiosk.cli adds these before the action; accept them after it too, as staff type them.
        sub.add_argument(
            "--config", metavar="FILE", default=argparse.SUPPRESS, help="machine configuration"
        )
        sub.add_argument(
            "--log-level", default=argparse.SUPPRESS, choices=["DEBUG", "INFO", "WARNING", "ERROR"]
        )


def run(args: argparse.Namespace) -> int:
    from kiosk.shell.config import config_for_command

    config = config_for_command(args.config)
    if config is None:
        return 2
    directory = Path(args.dir) if args.dir else config.content_dir
    if not directory.is_dir():
        print(f"{directory}: 내용 폴더가 없습니다 (no such content directory)", file=sys.stderr)
        return 2
    size = (
        _size(args.size)
        if getattr(args, "size", None)
        else (config.display.width, config.display.height)
    )
    actions: dict[str, Callable[[], int]] = {
        "check": lambda: _check(directory, config, english=args.english),
        "export": lambda: _export(directory, Path(args.file)),
        "import": lambda: _import(directory, Path(args.file)),
        "preview": lambda: _preview(
            directory,
            Path(args.out),
            size,
            _languages(args.lang, config.languages),
            args.help_first,
        ),
    }
    return actions[args.action]()


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError as exc:
        raise SystemExit(f"--size must look like 1280x800, not {text!r}") from exc
    return width, height


def _languages(choice: str, configured: Sequence[str]) -> list[str]:
    return list(configured) if choice == "all" else [choice]


def _shown(directory: Path, file: str) -> str:
    """A content file as staff can open it: relative to here when possible. The path is not
    resolved: a file that is a symlink loop must still be named, not crash the report."""
    path = Path(os.path.abspath(directory / file))
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def _print_issues(
    issues: Sequence[ContentIssue], directory: Path, csv: Path | None = None, english: bool = False
) -> None:
    from dataclasses import replace

    for found in issues:
        spreadsheet = csv is not None and (
            found.file == csv.name or found.file.startswith(f"{csv.name}:")
        )
        if csv is not None and spreadsheet:
            where = str(csv.parent / found.file)
        elif found.file.startswith(LOCALE_PREFIX):  # a screen text, not in the content folder
            where = _shown(_locale_dir(), found.file.removeprefix(LOCALE_PREFIX))
        else:
            where = _shown(directory, found.file)
        print(replace(found, file=where).format("en" if english else "ko"))


def _headless() -> None:
    # Staff tools draw off-screen; and pygame's greeting would sit among the messages.
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def _fits_for() -> FitCheckFor:
    """The real card check (kiosk.ui.card), with one font book for the whole run."""
    _headless()
    from kiosk.ui.card import make_fit_check
    from kiosk.ui.fonts import FontBook

    fonts = FontBook()
    return lambda content: make_fit_check(content, fonts=fonts)


def _locale_dir() -> Path:
    from kiosk.ui.i18n import LOCALE_DIR

    return LOCALE_DIR


def _minimums(config: KioskConfig) -> Minimums:
    """The checks' minimums for this machine: enough gentle cards for its no-repeat window
    (at least the default's, so content checked on one machine serves the others)."""
    from dataclasses import replace

    from prescriptions.checks import DEFAULT_MINIMUMS

    window = max(DEFAULT_MINIMUMS.no_repeat_window, config.no_repeat_window)
    return replace(DEFAULT_MINIMUMS, no_repeat_window=window)


def _nearest_note(config: KioskConfig, content: Content) -> None:
    """Which 서울마음편의점 this machine's screens will name: said, never guessed."""
    if not config.nearest_place:
        print(
            "참고: 이 자판기에는 가까운 서울마음편의점(kiosk.toml의 nearest_place)이 정해지지 "
            "않았습니다. 화면은 어느 곳도 고르지 않고 외로움안녕120에서 가까운 곳을 안내한다고 "
            "보여 줍니다. (note: no nearest_place configured)"
        )
    elif not any(p.id == config.nearest_place for p in content.places):
        print(
            f"경고: 설정의 nearest_place '{config.nearest_place}'이(가) places.toml에 없습니다. "
            f"화면은 외로움안녕120에서 가까운 곳을 안내한다고 보여 줍니다. "
            f"(warning: nearest_place not in places.toml)"
        )


def _check(directory: Path, config: KioskConfig, english: bool) -> int:
    _headless()
    from kiosk.ui.card import SMALLEST
    from kiosk.ui.i18n import screen_texts
    from prescriptions.checks import check_directory

    result = check_directory(
        directory, minimums=_minimums(config), fits_for=_fits_for(), screen_texts=screen_texts()
    )
    _print_issues(result.issues, directory, english=english)
    c = result.content
    _nearest_note(config, c)
    if result.issues:
        print(
            f"문제 {len(result.issues)}개: 고친 뒤 다시 검사하세요. "
            f"({len(result.issues)} problem(s); fix them and check again.)"
        )
        return 1
    print(
        f"검사 통과: 분류 {len(c.categories)}, 증상 {len(c.symptoms)}, 처방 "
        f"{len(c.prescriptions)}; 모든 처방전이 {SMALLEST[0]}x{SMALLEST[1]} 화면에 들어갑니다. "
        f"(OK)"
    )
    return 0


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _export(directory: Path, target: Path) -> int:
    from prescriptions.csvio import export_csv
    from prescriptions.errors import ContentError

    if _is_workbook(target):
        return _export_workbook(directory, target)
    try:
        count = export_csv(directory, target)
    except ContentError as exc:
        _print_issues(exc.issues, directory)
        print("처방 파일에 문제가 있어 내보내지 않았습니다. 먼저 고치세요. (nothing exported)")
        return 1
    print(
        f"처방 {count}개를 {target}에 썼습니다. 엑셀에서 열어 고친 뒤 'CSV UTF-8'로 "
        f"저장하고 `content import`로 가져오세요. ({count} prescriptions exported)"
    )
    return 0


def _export_workbook(directory: Path, target: Path) -> int:
    from prescriptions.errors import ContentError
    from prescriptions.workbook import export_workbook

    try:
        counts = export_workbook(directory, target)
    except ContentError as exc:
        _print_issues(exc.issues, directory)
        print("내용 파일에 문제가 있어 내보내지 않았습니다. 먼저 고치세요. (nothing exported)")
        return 1
    except OSError as exc:
        print(f"{target}: 쓸 수 없습니다 ({exc.strerror})", file=sys.stderr)
        return 2
    listed = ", ".join(f"{name} {n}" for name, n in counts.items())
    print(
        f"{target}에 썼습니다 ({listed}). 엑셀에서 고친 뒤 저장하고 `content import {target.name}`"
        f"로 가져오세요. 첫 시트에 쓰는 규칙이 있습니다. (workbook exported)"
    )
    return 0


def _import_workbook(directory: Path, source: Path) -> int:
    from prescriptions.errors import ContentError
    from prescriptions.workbook import import_workbook

    try:
        result = import_workbook(source, directory, fits_for=_fits_for())
    except ContentError as exc:
        _print_issues(exc.issues, directory, csv=source)
        print(
            f"문제 {len(exc.issues)}개: 아무 파일도 바꾸지 않았습니다. "
            f"({len(exc.issues)} problem(s); nothing was changed.)"
        )
        return 1
    except OSError as exc:
        print(f"{source}: 읽을 수 없습니다 ({exc.strerror})", file=sys.stderr)
        return 2
    listed = ", ".join(f"{name} {n}" for name, n in result.counts.items())
    print(
        f"가져왔습니다 ({listed}). 바뀐 파일: {', '.join(result.written) or '-'}; 지운 파일: "
        f"{', '.join(result.removed) or '-'} (imported)"
    )
    return 0


def _import(directory: Path, source: Path) -> int:
    from prescriptions.csvio import import_csv
    from prescriptions.errors import ContentError

    if _is_workbook(source):
        return _import_workbook(directory, source)
    try:
        result = import_csv(source, directory, fits_for=_fits_for())
    except ContentError as exc:
        _print_issues(exc.issues, directory, csv=source)
        print(
            f"문제 {len(exc.issues)}개: 아무 파일도 바꾸지 않았습니다. "
            f"({len(exc.issues)} problem(s); nothing was changed.)"
        )
        return 1
    except OSError as exc:
        print(f"{source}: 읽을 수 없습니다 ({exc.strerror})", file=sys.stderr)
        return 2
    print(
        f"처방 {result.prescriptions}개를 가져왔습니다 ({result.prescriptions} imported). "
        f"바뀐 파일: {', '.join(result.written) or '-'}; 지운 파일: "
        f"{', '.join(result.removed) or '-'}"
    )
    return 0


def _preview(
    directory: Path, out: Path, size: tuple[int, int], languages: list[str], help_first: bool
) -> int:
    _headless()
    import pygame

    from kiosk.ui.card import CardStage, make_fit_check, render_card
    from kiosk.ui.fonts import FontBook
    from prescriptions.loader import read_content

    loaded = read_content(directory)
    if loaded.issues:
        print(
            f"경고: 내용에 문제 {len(loaded.issues)}개 (`content check`로 확인하세요); "
            f"읽힌 처방만 그립니다. (warning: showing what loads)",
            file=sys.stderr,
        )
    content = loaded.content
    fonts = FontBook()
    fits = make_fit_check(content, size, fonts)
    stage = CardStage.make(size, fonts)
    out.mkdir(parents=True, exist_ok=True)
    cards: list[tuple[str, pygame.Surface, bool]] = []
    for p in content.prescriptions:
        for lang in languages:
            for first in (False, True) if help_first else (False,):
                surface = render_card(p, content, lang, size, help_first=first, stage=stage)
                label = f"{p.id}.{lang}" + (".help-first" if first else "")
                pygame.image.save(surface, str(out / f"{label}.png"))
                cards.append((label, surface, fits(p, lang) is not None))
    pygame.image.save(_contact_sheet(cards, size, fonts), str(out / SHEET_FILE))
    overflow = sum(1 for *_, bad in cards if bad)
    print(
        f"처방전 {len(cards)}장과 {SHEET_FILE}를 {out}에 썼습니다 ({size[0]}x{size[1]}). "
        f"넘치는 카드 {overflow}장은 빨간 테두리입니다. ({len(cards)} cards written)"
    )
    return 0


def _contact_sheet(
    cards: Sequence[tuple[str, pygame.Surface, bool]], size: tuple[int, int], fonts: FontBook
) -> pygame.Surface:
    """All cards as thumbnails with their names; a card that does not fit gets a red frame."""
    import pygame

    thumb = (THUMB_WIDTH, max(1, size[1] * THUMB_WIDTH // size[0]))
    label_px, pad = 16, 8
    cell = (thumb[0] + pad, thumb[1] + label_px + 2 * pad)
    rows = max(1, -(-len(cards) // SHEET_COLUMNS))
    sheet = pygame.Surface((SHEET_COLUMNS * cell[0] + pad, rows * cell[1] + pad))
    sheet.fill((255, 255, 255))
    for index, (label, surface, overflows) in enumerate(cards):
        x = pad + (index % SHEET_COLUMNS) * cell[0]
        y = pad + (index // SHEET_COLUMNS) * cell[1]
        sheet.blit(pygame.transform.smoothscale(surface, thumb), (x, y))
        if overflows:
            pygame.draw.rect(sheet, (200, 0, 0), (x - 3, y - 3, thumb[0] + 6, thumb[1] + 6), 3)
        sheet.blit(fonts.render(label, label_px, (0, 0, 0)), (x, y + thumb[1] + 2))
    return sheet
