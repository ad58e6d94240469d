"""`demo --printer DIR` and the slip's part of `bench`: what developers and the lead look at."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hardware.printer import Raster
from hardware.printer.decoder import EscPosDecoder, RasterImage
from hardware.printer.simulator import read_png
from kiosk.cli import main
from kiosk.tools.bench_parts import slip_bench


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    if "escpos" not in sys.modules:
        os.environ.setdefault(
            "ESCPOS_CAPABILITIES_PICKLE_DIR", str(tmp_path_factory.mktemp("escpos"))
        )


def decoded(job: bytes) -> Raster:
    """A slip's bytes as a printer reads them: its GS v 0 bands, one under the other."""
    bands = [c.raster for c in EscPosDecoder().feed(job) if isinstance(c, RasterImage)]
    assert bands
    return Raster(bands[0].width, sum(b.height for b in bands), b"".join(b.data for b in bands))


def test_demo_with_a_printer_writes_each_slips_bytes_and_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.shell.config.DEVICE_CONFIG", tmp_path / "no-such-kiosk.toml")
    monkeypatch.delenv("MAEUM_CONFIG", raising=False)
    monkeypatch.setenv("MAEUM_DATA_DIR", str(tmp_path / "data"))
    shots, slips = tmp_path / "shots", tmp_path / "slips"
    argv = ["demo", "--out", str(shots), "--printer", str(slips), "--resolution", "800x480"]
    assert main(argv) == 0
    # The visit and the motor-fault visit each printed; the paper-out visit did not.
    names = sorted(p.name for p in slips.iterdir())
    assert names == ["slip-01.bin", "slip-01.png", "slip-02.bin", "slip-02.png"]
    for n in (1, 2):
        picture = read_png(slips / f"slip-{n:02d}.png")
        assert decoded((slips / f"slip-{n:02d}.bin").read_bytes()) == picture
        assert picture.width == 576 and picture.height > 400
    assert [p.name for p in shots.glob("*-take-item-no-slip.png")]


def test_bench_times_a_real_slip_from_drawing_to_bytes() -> None:
    times = slip_bench(384, repeats=1)
    assert times.width == 384 and times.rows > 400
    assert times.job_bytes > times.rows * 48  # every row of 48 bytes, and the commands
    assert 0 < times.best_ms <= times.median_ms
