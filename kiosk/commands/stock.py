"""`python main.py stock`: the stock per slot, and the refills, for staff.

    python main.py stock                       every slot: item, count/capacity, state; alerts
    python main.py stock refill 3              slot 3 filled to its capacity
    python main.py stock refill 3 --count 6    slot 3 now holds 6
    python main.py stock disable 3             slot 3 out of use (never offered)
    python main.py stock enable 3              slot 3 checked and back in use

It works on the kiosk's own ledger (`<data_dir>/ledger.sqlite3`), also while the kiosk runs:
the kiosk reads the stock before every visit's choice and its alerts every few seconds. On a
new machine it makes the ledger with the configured slots, so the cabinet can be loaded before
the kiosk first starts.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

NAME = "stock"
HELP = "show the stock per slot; refill, disable or enable a slot"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", help="language of the table (default: the kiosk's)")
    # `stock refill 3 --config FILE` must work too: the actions take the common flags, and
    # leave them alone (SUPPRESS) when they are given before the action.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS)
    common.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], default=argparse.SUPPRESS
    )
    common.add_argument("--lang", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    refill = sub.add_parser(
        "refill", parents=[common], help="record a refill of SLOT (to full, or --count N)"
    )
    refill.add_argument("slot", type=int, metavar="SLOT")
    refill.add_argument("--count", type=int, metavar="N", help="items now in the slot")
    for name, text in (("disable", "take SLOT out of use"), ("enable", "put SLOT back in use")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("slot", type=int, metavar="SLOT")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from kiosk.cabinet.alerts import alerts_for
    from kiosk.cabinet.ledger import LedgerError
    from kiosk.cabinet.stock_text import item_namer, open_stock_ledger, stock_table
    from kiosk.shell.config import config_for_command
    from kiosk.ui.i18n import Texts, Translations

    out = out or sys.stdout
    config = config_for_command(args.config)
    if config is None:
        return 2
    lang = args.lang or config.language
    texts = Texts(Translations.load(tuple(dict.fromkeys((lang, *config.languages)))), lang)
    ledger = open_stock_ledger(
        config.data_dir, config.hardware.slots, texts, fill_new=config.hardware.simulated
    )
    if ledger is None:
        return 1
    try:
        if args.action == "refill":
            ledger.refill(args.slot, args.count)
        elif args.action == "disable":
            ledger.disable(args.slot)
        elif args.action == "enable":
            ledger.enable(args.slot)
        slots = ledger.slots()
    except LedgerError as exc:
        print(f"stock: {exc}", file=sys.stderr)
        return 1
    finally:
        ledger.close()
    if not slots:
        print(texts("staff.cli.no_slots"), file=out)
        return 0
    names = item_namer(config.content_dir, lang)
    print(stock_table(slots, alerts_for(slots, None), texts, names), file=out)
    return 0
