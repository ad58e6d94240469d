"""Charts drawn on the server as inline SVG: no script, no network, the same on a phone.

Each chart is an `<svg>` with a viewBox (it scales to its box), a `<title>` and a `<desc>`
giving every value for screen readers, and CSS classes only (colours live in
static/dashboard.css; the pages allow no inline style). Every text is escaped.

A chart is drawn twice, for a wide screen and for a phone (`Chart`): scaling one drawing
down to a phone would shrink its text below reading size. The stylesheet shows the one
that fits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

Point = tuple[str, int]  # (label, value)

WIDTH = 640
NARROW = 360  # a phone's content width, about


@dataclass(frozen=True)
class Chart:
    wide: Markup
    narrow: Markup

    def __html__(self) -> str:
        return str(self.wide + self.narrow)


def nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 × 10^k) so that about `ticks` steps reach `top`."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _svg(width: int, height: int, title: str, desc: str, body: list[str], kind: str) -> Markup:
    kind += " narrow" if width <= NARROW else " wide"
    head = (
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _describe(points: Sequence[Point]) -> str:
    return ", ".join(f"{label}: {value}" for label, value in points) or "자료 없음"


def bar_chart(points: Sequence[Point], title: str, every: int = 0, width: int = WIDTH) -> Chart:
    """Vertical bars, one per point, with a value axis, wide and narrow. `every`: label
    every n-th bar (0: as many as fit)."""
    return Chart(
        _bars(points, title, width, 240, every),
        _bars(points, title, NARROW, 220, 0 if every == 0 else every * 2),
    )


def _bars(points: Sequence[Point], title: str, width: int, height: int, every: int) -> Markup:
    left, right, top, bottom = 40, 6, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, v in points), default=0)
    step = nice_step(peak)
    ceiling = max(step, math.ceil(peak / step) * step)
    body: list[str] = []
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / ceiling
        body.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
        )
        body.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    n = max(1, len(points))
    slot = plot_w / n
    every = every or max(1, math.ceil(n * 44 / plot_w))
    for i, (label, value) in enumerate(points):
        bar_h = plot_h * value / ceiling
        x = left + i * slot + slot * 0.15
        y = top + plot_h - bar_h
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_h:.1f}"><title>{escape(label)}: {value}</title></rect>'
        )
        if slot >= 26 and value:
            body.append(
                f'<text class="value" x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
        if i % every == 0:
            body.append(
                f'<text class="axis" x="{x + slot * 0.35:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    if not points or peak == 0:
        body.append(
            f'<text class="empty" x="{width / 2}" y="{top + plot_h / 2}" '
            f'text-anchor="middle">이 기간에는 기록이 없습니다</text>'
        )
    return _svg(width, height, title, _describe(points), body, "bars")


def hbar_chart(points: Sequence[Point], title: str, label_width: int = 200) -> Chart:
    """Horizontal bars, largest first as given, a label on the left and the value after."""
    return Chart(
        _hbars(points, title, WIDTH, label_width),
        _hbars(points, title, NARROW, min(label_width, 130)),
    )


def _hbars(points: Sequence[Point], title: str, width: int, label_width: int) -> Markup:
    row, top = 28, 6
    height = top * 2 + row * max(1, len(points))
    plot_w = width - label_width - 44
    peak = max((v for _, v in points), default=0) or 1
    body: list[str] = []
    for i, (label, value) in enumerate(points):
        y = top + i * row
        w = plot_w * value / peak
        fits = 18 if label_width >= 180 else 9
        shown = label if len(label) <= fits else label[: fits - 1] + "…"
        body.append(
            f'<text class="label" x="{label_width - 8}" y="{y + row / 2 + 5:.1f}" '
            f'text-anchor="end">{escape(shown)}</text>'
        )
        body.append(
            f'<rect class="bar" x="{label_width}" y="{y + 5}" width="{max(w, 1):.1f}" '
            f'height="{row - 10}"><title>{escape(label)}: {value}</title></rect>'
        )
        body.append(
            f'<text class="value" x="{label_width + w + 6:.1f}" y="{y + row / 2 + 5:.1f}">'
            f"{value}</text>"
        )
    if not points:
        body.append(
            f'<text class="empty" x="{width / 2}" y="{top + row / 2 + 5}" '
            f'text-anchor="middle">이 기간에는 기록이 없습니다</text>'
        )
    return _svg(width, height, title, _describe(points), body, "hbars")


def stock_gauge(count: int, capacity: int, low: bool) -> Markup:
    """A slot's fill as a short bar (the overview's stock line)."""
    width, height = 100, 10
    share = 0.0 if capacity <= 0 else max(0.0, min(1.0, count / capacity))
    kind = "empty" if count == 0 else ("low" if low else "ok")
    return Markup(
        f'<svg class="gauge {kind}" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{count} / {capacity}</title>'
        f'<rect class="track" x="0" y="0" width="{width}" height="{height}" rx="3"/>'
        f'<rect class="fill" x="0" y="0" width="{width * share:.1f}" height="{height}" rx="3"/>'
        "</svg>"
    )
