"""`python main.py content …` as staff run it: check, export, import, preview."""

from __future__ import annotations

import shutil
from pathlib import Path

import pygame
import pytest

from kiosk.cli import main
from prescriptions.loader import load_content
from tests.prescriptions.helpers import BROKEN, BUNDLED, GOOD, copy_of


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A machine configuration whose content is a copy of the bundled content."""
    content = tmp_path / "bundled"
    shutil.copytree(BUNDLED, content)
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'content_dir = "{content}"\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8"
    )
    return path


def test_check_passes_the_bundled_content_measured_with_the_real_card(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "검사 통과" in out and "800x480" in out


def test_check_lists_each_problem_as_file_line_message_code(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check", str(BROKEN), "--config", str(config)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(
        line.endswith(
            "symptoms.toml:9: 같은 id가 이미 있습니다: 'lone-wolf-virus' "
            "(처음: symptoms.toml:2). 다른 id를 쓰세요. [duplicate-id]"
        )
        for line in lines
    )
    assert lines[-1].startswith("문제 ")


def test_a_long_phrase_fails_the_check_with_the_real_layout(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "bundled"
    path = sorted((content / "prescriptions").glob("*.toml"))[0]
    text = path.read_text(encoding="utf-8")
    first_phrase = text.index("phrase = ")
    line_end = text.index("\n", first_phrase)
    path.write_text(
        text[:first_phrase]
        + 'phrase = "'
        + "마음이 쉬어 가는 긴 문장. " * 40
        + '"'
        + text[line_end:],
        encoding="utf-8",
    )
    assert main(["content", "check", "--config", str(config)]) == 1
    assert "[card-overflow]" in capsys.readouterr().out


def test_export_edit_import_round_trip_through_the_command(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "처방.csv"
    assert main(["content", "export", str(sheet), "--config", str(config)]) == 0
    text = sheet.read_bytes().decode("utf-8-sig")
    first_id = text.splitlines()[1].split(",")[1]
    broken = text.replace(f",{first_id},", ",Not An Id,", 1)
    sheet.write_bytes(broken.encode("cp949"))  # as Korean Excel saves it
    before = {p: p.read_bytes() for p in (tmp_path / "bundled").rglob("*.toml")}
    assert main(["content", "import", str(sheet), "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"{sheet}:2: id로 쓸 수 없는 값입니다: 'Not An Id'" in out
    assert "아무 파일도 바꾸지 않았습니다" in out
    assert {p: p.read_bytes() for p in before} == before
    sheet.write_bytes(text.encode("utf-8-sig"))
    assert main(["content", "import", str(sheet), "--config", str(config)]) == 0
    assert "바뀐 파일: -" in capsys.readouterr().out


def test_preview_writes_a_png_per_card_and_a_contact_sheet(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of(GOOD, tmp_path / "good")
    out = tmp_path / "preview"
    args = [
        "content",
        "preview",
        "--out",
        str(out),
        "--dir",
        str(content),
        "--size",
        "800x480",
        "--config",
        str(config),
    ]
    assert main(args) == 0
    names = sorted(p.name for p in out.iterdir())
    ids = [
        "fine-001",
        "fine-002",
        "fine-003",
        "lonely-001",
        "lonely-002",
        "lonely-003",
        "lonely-004",
    ]
    assert names == sorted(
        ["contact-sheet.png", *(f"{i}.{lang}.png" for i in ids for lang in ("ko", "en"))]
    )
    ko = pygame.image.load(str(out / "lonely-001.ko.png"))
    en = pygame.image.load(str(out / "lonely-001.en.png"))
    assert ko.get_size() == (800, 480)
    assert pygame.image.tobytes(ko, "RGB") != pygame.image.tobytes(en, "RGB")
    sheet = pygame.image.load(str(out / "contact-sheet.png"))
    assert sheet.get_width() > 4 * 256 and sheet.get_height() > 2 * 153
    assert "넘치는 카드 0장" in capsys.readouterr().out


def test_preview_can_add_every_card_with_the_help_lines_first(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "preview"
    args = [
        "content",
        "preview",
        "--out",
        str(out),
        "--dir",
        str(GOOD),
        "--size",
        "800x480",
        "--lang",
        "ko",
        "--help-first",
        "--config",
        str(config),
    ]
    assert main(args) == 0
    extra = sorted(p.name for p in out.glob("*.help-first.png"))
    # A high mood-check score brings the help lines forward in every category (issue #16).
    ids = sorted(p.id for p in load_content(GOOD).prescriptions)
    assert extra == [f"{pid}.ko.help-first.png" for pid in ids]


def test_the_workbook_goes_out_and_comes_back_through_the_command(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    content = tmp_path / "bundled"
    before = {p: p.read_bytes() for p in content.rglob("*.toml")}
    book = tmp_path / "내용.xlsx"
    assert main(["content", "export", str(book), "--config", str(config)]) == 0
    assert "처방 113" in capsys.readouterr().out
    assert main(["content", "import", str(book), "--config", str(config)]) == 0
    assert "바뀐 파일: -" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in content.rglob("*.toml")} == before

    sheets = openpyxl.load_workbook(book)
    sheets["처방"]["I2"] = "극단적인 선택은 하지 마세요"  # 문구 (한국어) of the first card
    sheets.save(book)
    assert main(["content", "import", str(book), "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert f"{book}:처방:2: 쓰면 안 되는 말이 있습니다" in out
    assert "아무 파일도 바꾸지 않았습니다" in out
    assert {p: p.read_bytes() for p in content.rglob("*.toml")} == before


def test_check_says_which_place_the_screens_will_name(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["content", "check", "--config", str(config)]) == 0
    assert "nearest_place" in capsys.readouterr().out  # not configured: said, not guessed
    config.write_text(config.read_text() + 'nearest_place = "place-nowhere"\n')
    assert main(["content", "check", "--config", str(config)]) == 0
    assert "place-nowhere" in capsys.readouterr().out
