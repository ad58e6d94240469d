"""Fault injection on the content side (issue #11): what the field does to the content folder.

Each fault is made for real on the file system (symlink loops, oversize files, files swapped
while the folder is read) or in the files staff edit (control characters in every text field,
a dropped hotline, an emptied banned list). Each test asserts what a staff member is told —
the message with `file:line` — and that the content the kiosk serves did not change.
Bounded: no sleeps, no timing; the whole module runs in a few seconds.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from prescriptions import files
from prescriptions.atomic import write_atomically
from prescriptions.checks import Minimums
from prescriptions.csvio import PLAIN_COLUMNS, TEXT_FIELDS, export_csv, import_csv
from prescriptions.errors import ContentError, ContentIssue
from prescriptions.guards import BUILT_IN_BANNED
from prescriptions.lines import blocks_of, scan
from prescriptions.live import ContentStore, ReloadResult
from prescriptions.loader import BANNED_TERMS_FILE, load_content
from prescriptions.schema import PRESCRIPTIONS_DIR, SPECS, Kind, Spec
from prescriptions.tomlwrite import toml_string
from tests.prescriptions.helpers import GOOD, GOOD_MINIMUMS, copy_of, fake_fits

# What staff paste from the web, a terminal or a damaged file; each is refused in every field.
CONTROLS = ("\x00", "\x1b", "\t", "\x7f", "\x85", "\u2028", "\u202e", "\ufffe", "\x08")


# ── helpers ───────────────────────────────────────────────────────────────────────────────


def _store(content: Path, minimums: Minimums = GOOD_MINIMUMS) -> ContentStore:
    store = ContentStore(content, fits_for=lambda _c: fake_fits, minimums=minimums)
    assert store.start().accepted
    return store


def _told(result: ReloadResult | list[ContentIssue] | tuple[ContentIssue, ...]) -> list[str]:
    """What staff read: one `file:line: message [code]` per problem."""
    issues = result.issues if isinstance(result, ReloadResult) else result
    return [str(i) for i in issues]


def _refused_and_unchanged(store: ContentStore, result: ReloadResult, before: object) -> None:
    assert not result.accepted
    assert store.content is before
    assert store.generation == 1


def _file_of(spec: Spec) -> str:
    return f"{PRESCRIPTIONS_DIR}/loneliness.toml" if spec.file == PRESCRIPTIONS_DIR else spec.file


def _set_field(path: Path, table: str, key: tuple[str, ...], value: str) -> int:
    """Give the first [[table]] in `path` the text `value` at `key` (added when the record
    has no such key); returns the line it is on."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    block = blocks_of(scan(text), table)[0]
    line = block.keys.get(key)
    written = f"{key[-1]} = {toml_string(value)}"
    if line is not None:
        assert '"""' not in lines[line - 1], "the fixture's first record has one-line texts"
        lines[line - 1] = written
    else:
        after = block.keys[key[:-1]] if len(key) > 1 else block.line
        lines.insert(after, written)
        line = after + 1
    path.write_text("\n".join(lines), encoding="utf-8")
    return line


def _text_fields() -> Iterator[tuple[Spec, tuple[str, ...]]]:
    """Every text field of every content kind, straight from the schema."""
    for spec in SPECS:
        for name, kind in spec.plain.items():
            if kind in (Kind.TEXT, Kind.OPTIONAL_TEXT):
                yield spec, (name,)
        for name in spec.texts:
            yield spec, ("ko", name)


FIELD_CASES = [
    pytest.param(spec, key, ch, id=f"{spec.table}.{'.'.join(key)}-U+{ord(ch):04X}")
    for n, (spec, key) in enumerate(_text_fields())
    for ch in dict.fromkeys(("\x00", CONTROLS[1 + n % (len(CONTROLS) - 1)]))
]


# ── control characters, TOML ──────────────────────────────────────────────────────────────


def test_the_cases_cover_every_text_field_of_every_kind() -> None:
    tables = {spec.table for spec, _key, _ch in (p.values for p in FIELD_CASES)}
    assert tables == {spec.table for spec in SPECS}
    assert len({(s.table, k) for s, k, _ in (p.values for p in FIELD_CASES)}) == len(
        list(_text_fields())
    )


@pytest.mark.parametrize(("spec", "key", "ch"), FIELD_CASES)
def test_a_control_character_in_any_text_field_is_refused_at_its_line(
    tmp_path: Path, spec: Spec, key: tuple[str, ...], ch: str
) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    file = _file_of(spec)
    line = _set_field(content / file, spec.table, key, f"앞{ch}뒤")

    result = store.reload()

    _refused_and_unchanged(store, result, before)
    told = [m for m in _told(result) if m.endswith("[control-character]")]
    assert len(told) == 1, _told(result)
    assert told[0].startswith(f"{file}:{line}: 보이지 않는 제어 문자가 있습니다: U+{ord(ch):04X}")
    assert "2번째 글자" in told[0]
    assert ch not in told[0] or ch == "\ufffe"  # quoted as \uXXXX, never sent to a terminal


@pytest.mark.parametrize("field", ["number", "hours"])
def test_a_line_break_is_refused_where_no_text_has_one(tmp_path: Path, field: str) -> None:
    content = copy_of(GOOD, tmp_path)
    line = _set_field(content / "hotlines.toml", "hotline", (field,), "1\n09")
    store = ContentStore(content, fits_for=lambda _c: fake_fits, minimums=GOOD_MINIMUMS)
    result = store.start()
    assert store.content is None and not result.accepted
    assert f"hotlines.toml:{line}: 보이지 않는 제어 문자가 있습니다: U+000A" in " ".join(
        _told(result)
    )


def test_a_control_character_in_a_banned_term_is_refused(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    (content / BANNED_TERMS_FILE).write_text('ko = ["극단적 선택"]\nen = ["kill\\u0000"]\n')
    result = store.reload()
    _refused_and_unchanged(store, result, before)
    assert _told(result) == [
        f"{BANNED_TERMS_FILE}:2: 보이지 않는 제어 문자가 있습니다: U+0000 NUL (en, 5번째 글자). "
        "화면에 그릴 수 없는 글자라서 받지 않습니다. 그 글자를 지우고 다시 쓰세요. "
        "[control-character]"
    ]


# ── control characters, spreadsheet ───────────────────────────────────────────────────────

CSV_COLUMNS = [*PLAIN_COLUMNS, *(f"{f}_{lang}" for lang in ("ko", "en") for f in TEXT_FIELDS)]


@pytest.mark.parametrize(
    ("column", "ch"),
    [(c, "\x00") for c in CSV_COLUMNS]
    + [(c, CONTROLS[1 + n % (len(CONTROLS) - 1)]) for n, c in enumerate(CSV_COLUMNS)],
)
def test_a_control_character_in_any_spreadsheet_cell_is_refused_with_row_and_column(
    tmp_path: Path, column: str, ch: str
) -> None:
    content = copy_of(GOOD, tmp_path)
    sheet = tmp_path / "처방.csv"
    export_csv(content, sheet)
    table = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"), newline="")))
    index = table[0].index(column)
    table[2][index] = f"{table[2][index][:1]}{ch}{table[2][index][1:]}"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(table)
    sheet.write_bytes(out.getvalue().encode("utf-8-sig"))
    before = {p.name: p.read_bytes() for p in (content / PRESCRIPTIONS_DIR).iterdir()}

    with pytest.raises(ContentError) as refused:
        import_csv(sheet, content, fake_fits, GOOD_MINIMUMS)

    told = [m for m in _told(refused.value.issues) if m.endswith("[control-character]")]
    assert len(told) == 1, _told(refused.value.issues)
    assert told[0].startswith(f"처방.csv:3: 보이지 않는 제어 문자가 있습니다: U+{ord(ch):04X}")
    assert f"'{column}' 칸" in told[0]
    assert {p.name: p.read_bytes() for p in (content / PRESCRIPTIONS_DIR).iterdir()} == before


# ── the folder replaced while it is read ──────────────────────────────────────────────────

# Low minimums, so that a half set (a prescription lost between two files) would pass the
# checks: only the reading itself can keep it out.
LENIENT = Minimums(
    categories=2, symptoms=3, prescriptions_per_category=1, no_repeat_window=0, gentle_margin=1
)


def _moved(content: Path) -> tuple[bytes, bytes]:
    """fine.toml and loneliness.toml after a staff member moved lonely-003 between them."""
    lonely = (content / PRESCRIPTIONS_DIR / "loneliness.toml").read_text(encoding="utf-8")
    start = lonely.index('[[prescription]]\nid = "lonely-003"')
    end = lonely.index("[[prescription]]", start + 1)
    fine = (content / PRESCRIPTIONS_DIR / "fine.toml").read_text(encoding="utf-8")
    return (fine + "\n" + lonely[start:end]).encode(), (lonely[:start] + lonely[end:]).encode()


def test_a_folder_swapped_mid_read_is_served_whole_never_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content, LENIENT)
    folder = content / PRESCRIPTIONS_DIR
    new_fine, new_lonely = _moved(content)
    real_read = files.read_bounded
    reads: list[str] = []

    def read_while_staff_save(path: Path, limit: int = files.MAX_FILE_BYTES) -> bytes:
        data = real_read(path, limit)
        reads.append(path.name)
        if path.name == "fine.toml" and reads.count("fine.toml") == 1:
            # The old fine.toml is read; now the editor saves both files before the reader
            # gets to loneliness.toml. Read on, that would lose lonely-003 altogether.
            write_atomically(folder / "fine.toml", new_fine)
            write_atomically(folder / "loneliness.toml", new_lonely)
        return data

    monkeypatch.setattr(files, "read_bounded", read_while_staff_save)
    result = store.reload()

    assert result.accepted
    assert reads.count("fine.toml") == 2  # the change was noticed and the folder read again
    assert store.content is not None
    assert "lonely-003" in {p.id for p in store.content.prescriptions}
    assert store.content == load_content(content)  # exactly the new set, nothing mixed


def test_files_that_keep_changing_are_refused_until_they_settle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    fine = content / PRESCRIPTIONS_DIR / "fine.toml"
    real_read = files.read_bounded
    writes = iter(range(1, 100))

    def read_while_syncing(path: Path, limit: int = files.MAX_FILE_BYTES) -> bytes:
        data = real_read(path, limit)
        if path == fine:  # a sync tool rewrites the file every time it is read
            st = fine.stat()
            os.utime(fine, ns=(st.st_atime_ns, st.st_mtime_ns + next(writes) * 1_000_000))
        return data

    monkeypatch.setattr(files, "read_bounded", read_while_syncing)
    result = store.reload()
    _refused_and_unchanged(store, result, before)
    assert _told(result) == [
        f"{PRESCRIPTIONS_DIR}/fine.toml:1: 읽는 동안 파일이 계속 바뀌었습니다 (3번). 저장이나 "
        "복사가 끝난 뒤 다시 검사하세요. 지금 내용은 그대로 씁니다. [files-changing]"
    ]

    monkeypatch.undo()  # the sync finished
    assert store.changed()  # so the watcher looks again
    assert store.reload().accepted


# ── the file system's own faults ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", [f"{PRESCRIPTIONS_DIR}/loop.toml", "places.toml"])
def test_a_symlink_loop_is_named_not_a_crash(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    (content / name).unlink(missing_ok=True)
    (content / name).symlink_to(Path(name).name)  # the link points at itself

    result = store.reload()
    _refused_and_unchanged(store, result, before)
    message = (
        f"{name}:1: 파일을 읽을 수 없습니다: 링크가 끝없이 서로를 가리킵니다 (심볼릭 링크 "
        "순환). 진짜 파일로 바꾸세요. [unreadable-file]"
    )
    assert _told(result) == [message]

    config = tmp_path / "kiosk.toml"
    config.write_text(f'content_dir = "{content}"\ndata_dir = "{tmp_path / "data"}"\n')
    assert main(["content", "check", str(content), "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"{content / name}:1: " in out and "심볼릭 링크 순환" in out


def test_a_ten_megabyte_file_is_refused_at_the_line_where_it_passes_the_limit(
    tmp_path: Path,
) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    big = content / PRESCRIPTIONS_DIR / "big.toml"
    data = b"# " + b"x" * 97 + b"\n"  # 100 bytes a line
    big.write_bytes(data * 100_000)  # 10 MB

    result = store.reload()
    _refused_and_unchanged(store, result, before)
    line = files.MAX_FILE_BYTES // 100 + 1
    assert _told(result) == [
        f"{PRESCRIPTIONS_DIR}/big.toml:{line}: 파일이 너무 큽니다: 1 MiB까지 쓸 수 있는데 "
        f"{line}번째 줄에서 넘었습니다. 잘못 복사된 파일이 아닌지 보고, 처방이 많으면 여러 "
        "파일로 나누세요. [file-too-large]"
    ]


def test_a_folder_over_its_limit_is_refused_from_the_file_that_passes_it(
    tmp_path: Path,
) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    each = 1_000_000  # under the file limit; 17 of them pass the folder's 16 MiB
    for n in range(17):
        (content / PRESCRIPTIONS_DIR / f"big-{n:02}.toml").write_bytes(b"#\n" * (each // 2))

    result = store.reload()
    _refused_and_unchanged(store, result, before)
    assert _told(result) == [  # one message: the files past the limit were never read
        f"{PRESCRIPTIONS_DIR}/big-16.toml:1: 내용 파일을 모두 합해 16 MiB가 넘습니다 (이 "
        f"파일에서 넘었습니다). 가장 큰 파일: {PRESCRIPTIONS_DIR}/big-00.toml (1.0 MB), "
        f"{PRESCRIPTIONS_DIR}/big-01.toml (1.0 MB), {PRESCRIPTIONS_DIR}/big-02.toml (1.0 MB). "
        "필요 없는 큰 .toml 파일을 내용 폴더에서 치우세요. [folder-too-large]"
    ]


# ── the safety guards edited away ─────────────────────────────────────────────────────────


def test_a_dropped_hotline_is_refused_and_the_old_one_keeps_serving(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    hotlines = content / "hotlines.toml"
    text = hotlines.read_text(encoding="utf-8")
    start = text.index('[[hotline]]\nid = "hotline-1577-0199"')
    hotlines.write_text(text[:start] + text[text.index("[[hotline]]", start + 1) :])

    result = store.reload()
    _refused_and_unchanged(store, result, before)
    assert _told(result) == [
        "hotlines.toml:1: 도움 화면에 꼭 필요한 상담전화가 없습니다: 'hotline-1577-0199' "
        "(1577-0199). 되살리세요. [missing-hotline]"
    ]
    assert before is not None and before.hotline("hotline-1577-0199").number == "1577-0199"


def test_a_changed_hotline_number_is_refused_at_its_line(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    line = _set_field(content / "hotlines.toml", "hotline", ("number",), "119")  # 109 → 119

    result = store.reload()
    _refused_and_unchanged(store, result, before)
    assert _told(result)[0].startswith(
        f"hotlines.toml:{line}: 꼭 있어야 하는 상담전화는 지우거나 바꿀 수 없습니다: "
        '\'hotline-109\' (109)의 number: "109"이어야 합니다 (지금: "119").'
    )


def test_an_emptied_banned_list_cannot_let_a_banned_phrase_through(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    before = store.content
    (content / BANNED_TERMS_FILE).write_text("ko = []\nen = []\n", encoding="utf-8")
    fine = content / PRESCRIPTIONS_DIR / "fine.toml"
    line = _set_field(fine, "prescription", ("ko", "phrase"), "죽고 싶은 날도 지나가요.")

    result = store.reload()
    _refused_and_unchanged(store, result, before)
    assert _told(result) == [
        f"{PRESCRIPTIONS_DIR}/fine.toml:{line}: 쓰면 안 되는 말이 있습니다: '죽고 싶다' "
        "(ko.phrase). 자살예방 보도준칙에 따라 다른 말로 바꾸세요. [banned-term]"
    ]


def test_an_emptied_banned_list_alone_still_serves_the_built_in_list(tmp_path: Path) -> None:
    content = copy_of(GOOD, tmp_path)
    store = _store(content)
    (content / BANNED_TERMS_FILE).write_text("", encoding="utf-8")
    assert store.reload().accepted
    assert store.content is not None
    for lang, terms in BUILT_IN_BANNED.items():
        assert set(terms) <= set(store.content.banned(lang))


def test_a_data_folder_that_cannot_keep_the_copy_does_not_block_new_content(
    tmp_path: Path,
) -> None:
    content = copy_of(GOOD, tmp_path)
    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder should be")  # mkdir under it fails
    store = ContentStore(
        content,
        fits_for=lambda _c: fake_fits,
        minimums=GOOD_MINIMUMS,
        snapshot_dir=blocked / "content-last-good",
    )
    assert store.start().accepted
    _set_field(content / "items.toml", "item", ("ko", "name"), "사탕 두 개")
    assert store.reload().accepted
    assert store.content is not None and store.content.item("candy").name.get("ko") == "사탕 두 개"
