"""The spreadsheet file itself: what Excel writes and reads, whatever the rows mean.

    escape_cell / unescape_cell   the OWASP single quote against formula injection, exactly
                                  reversible
    read_spreadsheet(path, name)  the file's bytes; ContentError when it is too large
    decode(raw, name)             its text; ContentError naming the row of an unknown or a
                                  mixed encoding
    rows(text, name)              the filled rows, numbered as Excel numbers them; ContentError
                                  naming the row where the CSV itself is broken

Excel decides how to read a cell from its first character: `=`, `+`, `-` and `@` (and a
leading tab or carriage return) make it a formula, which opening the file evaluates
(`=cmd|' /C calc'!A0`). A single quote in front makes it text. Export therefore puts one in
front of every such cell, and also in front of a cell that begins with a quote or reads as an
Excel error value, so that import can take exactly one leading quote off again and every text
comes back as it was: "-5분 산책" → `'-5분 산책` → "-5분 산책", "'인용'" → `''인용'` → "'인용'".
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from prescriptions.errors import ContentError, IssueCode
from prescriptions.files import MAX_FOLDER_BYTES, read_bounded
from prescriptions.schema import issue

# What makes Excel read a cell as a formula (OWASP, "CSV injection"), and the mark that stops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
# What Excel leaves in a cell whose formula failed: the original text is gone.
EXCEL_ERRORS = frozenset({"#NAME?", "#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NUM!", "#NULL!"})
# A spreadsheet bigger than the whole content folder may be can only be refused.
MAX_CSV_BYTES = MAX_FOLDER_BYTES

Rows = list[tuple[int, list[str]]]


def escape_cell(value: str) -> str:
    """The cell as written for Excel: a quote in front when Excel would otherwise evaluate it
    or change it, and when it begins with a quote (so that `unescape_cell` is exact)."""
    if value.startswith((*FORMULA_STARTS, TEXT_MARK)) or value.strip() in EXCEL_ERRORS:
        return TEXT_MARK + value
    return value


def unescape_cell(cell: str) -> str:
    """The reverse of `escape_cell`: exactly one leading quote comes off. A cell that arrives
    without one but begins like a formula is taken as the text it is: nothing here evaluates
    a cell, and `escape_cell` quotes it again on the next export."""
    return cell.removeprefix(TEXT_MARK)


def _encoding_issue(source: str, row: int, ko: str, en: str) -> ContentError:
    return ContentError([issue(source, row, IssueCode.CSV_ENCODING, ko, en)])


def delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    for candidate in ("\t", ";"):
        if candidate in first and "," not in first:
            return candidate
    return ","


def row_of(text: str) -> int:
    """The spreadsheet row (1-based) that the end of `text`, a prefix of the file, falls in:
    rows are records, so a line break inside a quoted cell does not start a new one."""
    # The sentinel makes the row the end is in count even when it is still empty.
    reader = csv.reader(io.StringIO(text + "#", newline=""), delimiter=delimiter(text))
    try:
        return sum(1 for _ in reader)
    except csv.Error:
        return text.count("\n") + 1


def _row_at(raw: bytes, offset: int) -> int:
    # UTF-8 and CP949 both keep ASCII bytes as they are, and no CP949 byte pair contains a
    # quote, a comma or a line break, so the rows can be counted from the ASCII alone.
    return row_of(raw[:offset].decode("utf-8", errors="replace"))


def _mixed(source: str, row: int, here: str, before: str) -> ContentError:
    return _encoding_issue(
        source,
        row,
        f"글자 인코딩이 섞여 있습니다: 이 행은 {here}인데 앞의 행들은 {before}입니다 (다른 "
        f"파일에서 붙여 넣은 행일 수 있습니다). 엑셀에서 파일 전체를 'CSV UTF-8'로 다시 "
        f"저장하세요.",
        f"Mixed text encodings: this row is {here}, the rows before it {before} (pasted from "
        f"another file?). Save the whole file as 'CSV UTF-8' in Excel.",
    )


def _unknown(source: str, row: int) -> ContentError:
    return _encoding_issue(
        source,
        row,
        "이 행의 글자 인코딩을 알 수 없습니다. 엑셀에서 'CSV UTF-8'로 저장하세요.",
        "Unknown text encoding in this row; save as 'CSV UTF-8' in Excel.",
    )


def _utf8_line(line: bytes) -> bool:
    """A line that is surely UTF-8 (in a CP949 file: a row from elsewhere). CP949 bytes can
    happen to form two-byte UTF-8 ("처" is C3 B3, "ó" in UTF-8), but Korean in UTF-8 takes
    three bytes a letter: only a line with such a letter counts."""
    if line.isascii():
        return False
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(c) >= 0x800 for c in text)


def decode(raw: bytes, source: str) -> str:
    """The text of a spreadsheet file, in whichever encoding Excel chose: UTF-16 "유니코드
    텍스트", UTF-8 with or without the mark, or CP949 ("CSV (쉼표로 분리)" on Korean Windows).
    A file that mixes UTF-8 and CP949 rows is refused on the first row of the second one."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _unknown(source, row_of(raw[: exc.start].decode("utf-16"))) from None
    if raw.startswith(b"\xef\xbb\xbf"):  # "CSV UTF-8": the mark leaves no doubt
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _unknown(source, _row_at(raw, exc.start)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        if raw.isascii() or any(ord(c) >= 0x800 for c in text):
            return text
        # Valid UTF-8 without one Korean letter: CP949 whose bytes happen to pair up ("처" is
        # C3 B3, "ó" in UTF-8). The content is Korean, so take CP949 when it reads as that.
        try:
            return raw.decode("cp949")
        except UnicodeDecodeError:
            return text
    if any(map(_utf8_line, raw[:first_bad].split(b"\n"))):  # UTF-8 text first, then not
        raise _mixed(source, _row_at(raw, first_bad), "UTF-8이 아닌 글자(CP949 등)", "UTF-8")
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        end = raw.find(b"\n", exc.start)
        if _utf8_line(raw[start : len(raw) if end < 0 else end]):
            raise _mixed(source, _row_at(raw, exc.start), "UTF-8", "CP949") from None
        raise _unknown(source, _row_at(raw, exc.start)) from None
    # CP949 from the first non-ASCII row on; a UTF-8 row further down may still decode as
    # CP949 (as nonsense), so look for one.
    offset = 0
    for line in raw.split(b"\n"):
        if offset > first_bad and _utf8_line(line):
            raise _mixed(source, _row_at(raw, offset), "UTF-8", "CP949")
        offset += len(line) + 1
    return text


def rows(text: str, source: str) -> Rows:
    """(row number, cells) for every row with anything in it (Excel leaves blank rows at the
    end); ContentError on the row where the CSV itself is broken."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    numbered: Rows = []
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return numbered
        except csv.Error as exc:
            raise ContentError(
                [
                    issue(
                        source,
                        number,
                        IssueCode.CSV_CELL,
                        f"이 행을 읽을 수 없습니다 ({exc}). 칸이 너무 길거나 (13만 자 넘게) "
                        f"따옴표가 어긋났습니다.",
                        f"This row cannot be read ({exc}): a cell that is far too long, or "
                        f"quotes out of place.",
                    )
                ]
            ) from None
        if any(c.strip() for c in cells):
            numbered.append((number, cells))


def read_spreadsheet(path: Path, source: str) -> bytes:
    """The bytes of the spreadsheet at `path` (named `source` in messages)."""
    raw = read_bounded(path, MAX_CSV_BYTES)
    if len(raw) > MAX_CSV_BYTES:
        limit = MAX_CSV_BYTES >> 20
        raise ContentError(
            [
                issue(
                    source,
                    _row_at(raw, MAX_CSV_BYTES),
                    IssueCode.FILE_TOO_LARGE,
                    f"엑셀 파일이 너무 큽니다: {limit} MiB까지 가져올 수 있는데 이 행에서 "
                    f"넘었습니다. 처방 파일이 맞는지 확인하세요.",
                    f"The spreadsheet is too large: the limit of {limit} MiB is passed in "
                    f"this row. Check it is the prescriptions file.",
                )
            ]
        )
    return raw
