"""Where each table and key sits in a TOML file, for `file:line` messages.

`tomllib` gives values but no positions, so this scans the text: headers (`[[prescription]]`,
`[prescription.ko]`), key lines (`phrase = ...`, dotted keys too) and skips the inside of
multi-line strings. It only has to be right for files `tomllib` already accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_ONE_KEY = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)"""
_KEY = re.compile(rf"^\s*({_ONE_KEY}(?:\s*\.\s*{_ONE_KEY})*)\s*=\s*(.*)$")
_PART = re.compile(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""")


@dataclass
class Block:
    """One `[[table]]` entry (or the top of the file, table ""), with the lines of its keys."""

    table: str
    line: int
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    def line_of(self, *path: str) -> int:
        """The line of the key at `path`, else of its nearest enclosing table, else the header."""
        for end in range(len(path), 0, -1):
            found = self.keys.get(path[:end])
            if found is not None:
                return found
        return self.line


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g is not None) for m in _PART.finditer(text))


def _opens_multiline(value: str) -> str | None:
    """The closing delimiter if `value` starts a multi-line string not closed on this line."""
    for quote in ('"""', "'''"):
        if value.startswith(quote) and quote not in value[3:]:
            return quote
    return None


def scan(text: str) -> list[Block]:
    """Blocks in file order; the first is always the top of the file (table "")."""
    blocks = [Block(table="", line=1)]
    prefix: tuple[str, ...] = ()
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        if array := _ARRAY_HEADER.match(line):
            blocks.append(Block(table=".".join(_dotted(array.group(1))), line=number))
            prefix = ()
        elif table := _TABLE_HEADER.match(line):
            path = _dotted(table.group(1))
            current = tuple(blocks[-1].table.split(".")) if blocks[-1].table else ()
            if current and path[: len(current)] == current:
                prefix = path[len(current) :]
            else:
                blocks.append(Block(table=".".join(path), line=number))
                prefix = ()
            blocks[-1].keys.setdefault(prefix, number)
        elif key := _KEY.match(line):
            blocks[-1].keys.setdefault((*prefix, *_dotted(key.group(1))), number)
            closing = _opens_multiline(key.group(2).strip())
    return blocks


def blocks_of(blocks: list[Block], table: str) -> list[Block]:
    return [b for b in blocks if b.table == table]


@dataclass(frozen=True)
class Unclosed:
    """What a file that ends too early left open: a string or a bracket, and its line."""

    what: str  # "string", "[" or "{"; "" when nothing is open
    line: int


def unclosed_at_end(text: str) -> Unclosed:
    """Where a TOML text that ends in the middle of something opened it (tomllib says only
    "at end of document"): the line of an unterminated string, else of the innermost unclosed
    bracket, else the last line that has anything on it."""
    line, last_filled = 1, 1
    stack: list[tuple[str, int]] = []
    quote: str | None = None  # the delimiter of the string we are in
    opened = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line += 1
            if quote in ('"', "'"):  # a one-line string cannot go on: it ended unterminated
                return Unclosed("string", opened)
        elif not ch.isspace():
            last_filled = line
        if quote is not None:
            if quote == '"' and ch == "\\":
                i += 2
                continue
            if quote == '"""' and ch == "\\":
                i += 2 if text[i + 1 : i + 2] != "\n" else 1
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            opened = line
            i += len(quote)
            continue
        elif ch in "[{":
            stack.append((ch, line))
        elif ch in "]}" and stack:
            stack.pop()
        i += 1
    if quote is not None:
        return Unclosed("string", opened)
    if stack:
        return Unclosed(stack[-1][0], stack[-1][1])
    return Unclosed("", last_filled)
