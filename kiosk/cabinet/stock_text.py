"""Words for the stock (a slot's state, an alert), the terminal table, and the ledger as a
tool opens it."""

from __future__ import annotations

import contextlib
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.cabinet.alerts import Alert, AlertKind, slot_alert
from kiosk.cabinet.cabinet import LEDGER_FILE
from kiosk.cabinet.ledger import Ledger, LedgerError, SlotConfigLike, SlotState
from kiosk.ui.i18n import BASE_LANGUAGE, Texts
from prescriptions.loader import read_content


def open_tool_ledger(data_dir: Path, texts: Texts) -> Ledger | None:
    """The kiosk's ledger, opened as a tool (no crash counting, no clean-shutdown mark, so a
    running kiosk is not disturbed); None, with a message, when there is none yet."""
    path = data_dir / LEDGER_FILE
    found = _ledger_is_there(path)
    if found is None:
        return None
    if not found:
        print(texts("staff.cli.no_ledger", path=path), file=sys.stderr)
        return None
    try:
        return Ledger(path, records_runs=False)
    except LedgerError as exc:
        print(f"ledger: {exc}", file=sys.stderr)
        return None


def open_stock_ledger(
    data_dir: Path, slots: Sequence[SlotConfigLike], texts: Texts, *, fill_new: bool
) -> Ledger | None:
    """The ledger for `stock`. On a new machine, before the kiosk ever started, it is made
    here with the configured slots (empty; full in a simulation, as the simulated kiosk would
    make them), so a technician can load the cabinet first; a ledger without slots (one found
    empty and started again) gets them too. Opened as a tool: no run marked, so the kiosk's
    first start counts no crash, and its first vend_id is still 1 (the board is still reset
    then). None, with a message, when it cannot be opened or made."""
    path = data_dir / LEDGER_FILE
    found = _ledger_is_there(path)
    if found is None:
        return None
    if found:
        ledger = open_tool_ledger(data_dir, texts)
        if ledger is None:
            return None
    else:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            ledger = Ledger(path, records_runs=False)
        except (OSError, LedgerError) as exc:
            print(texts("staff.cli.cannot_make_ledger", path=path, error=exc), file=sys.stderr)
            return None
    made = not found or ledger.recovered_from is not None
    try:
        if made or not ledger.slots():
            ledger.sync_slots(slots, fill_new=fill_new)
        if made:
            give_to_folder_owner(path)
    except (OSError, LedgerError) as exc:
        ledger.close()
        print(texts("staff.cli.cannot_make_ledger", path=path, error=exc), file=sys.stderr)
        return None
    if not found:
        print(texts("staff.cli.new_ledger", path=path), file=sys.stderr)
    return ledger


def _ledger_is_there(path: Path) -> bool | None:
    """Whether the ledger exists; None, with a message, when its folder is closed to us."""
    try:
        return path.is_file()
    except OSError as exc:
        print(f"ledger: {path}: {exc.strerror or exc} (run the command with sudo)", file=sys.stderr)
        return None


def give_to_folder_owner(path: Path) -> None:
    """A ledger made by root (`sudo ... stock`) belongs to the data folder's owner, the
    kiosk's user, like everything else in that folder: else the kiosk could not write it.
    SQLite's -wal and -shm files beside it too, while they exist."""
    if os.geteuid() != 0:
        return
    folder = path.parent.stat()
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            os.chown(part, folder.st_uid, folder.st_gid)


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def status_key(slot: SlotState) -> str:
    """The screen text key for the slot's state (ok, low, empty, …)."""
    alert = slot_alert(slot)
    return "staff.status.ok" if alert is None else f"staff.status.{alert.kind.value}"


def item_namer(content_dir: Path, lang: str) -> Callable[[str], str]:
    """Item id → its name from the content files (the id itself where they say nothing)."""
    try:
        content = read_content(content_dir).content
    except Exception:  # unreadable content must not stop a stock listing
        return lambda item: item

    def name(item: str) -> str:
        try:
            return content.item(item).name.get(lang) or item
        except KeyError:
            return item

    return name


def alert_line(alert: Alert, texts: Texts, item_name: Callable[[str], str]) -> str:
    if alert.kind is AlertKind.FLEET:
        known = f"staff.fleet.{alert.detail}" in texts.translations.tables[BASE_LANGUAGE]
        reason = texts(f"staff.fleet.{alert.detail}" if known else "staff.fleet.other")
        return texts("staff.alert.fleet", reason=reason)
    if alert.kind is AlertKind.PAPER_LOW:
        source = "sensor" if alert.detail == "sensor" else "estimate"
        return texts(f"staff.alert.paper_low_{source}", metres=alert.count)
    if alert.kind is AlertKind.AUDIO:
        known = f"staff.alert.audio_{alert.detail}" in texts.translations.tables[BASE_LANGUAGE]
        return texts(f"staff.alert.audio_{alert.detail}" if known else "staff.alert.audio")
    if alert.slot is None:
        return texts(f"staff.alert.{alert.kind.value}")
    return texts(
        f"staff.alert.{alert.kind.value}",
        slot=alert.slot,
        item=item_name(alert.item),
        count=alert.count,
    )


def stock_table(
    slots: Sequence[SlotState],
    alerts: Sequence[Alert],
    texts: Texts,
    item_name: Callable[[str], str] = lambda item: item,
) -> str:
    header = [texts(f"staff.cli.{k}") for k in ("slot", "item", "count", "state")]
    rows = [
        [
            str(s.number),
            item_name(s.item),
            f"{s.count}/{s.capacity}",
            texts(status_key(s)),
        ]
        for s in slots
    ]
    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(pad(cell, w) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    if alerts:
        lines.append("")
        lines.append(f"{texts('staff.cli.alerts')}:")
        lines.extend(f"  - {alert_line(a, texts, item_name)}" for a in alerts)
    return "\n".join(lines)
