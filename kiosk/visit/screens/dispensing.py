"""Dispensing: the gift on its way, the card still in view.

The gift's picture is pushed off its shelf by the spiral and drops down the chute into the
tray, again and again until the machine answers: calm, small, and only its own corner of the
screen is redrawn (`Page.motion`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from kiosk.ui.scene import Op, Picture, split_rows
from kiosk.visit.card import item_picture
from kiosk.visit.flow import GoHome
from kiosk.visit.printing.words import with_slip_note
from kiosk.visit.screens.base import Page, View, chrome
from kiosk.visit.screens.stage import card_on_stage, stage

CYCLE_S = 2.0  # one push, fall and rest of the gift
FPS = 15


def build(v: View) -> Page:
    page = Page(animated=True, fps=FPS)
    area = chrome(v, [("home", v.t("footer.home"), GoHome())], page)
    m, p = v.metrics, v.palette
    where = stage(v, area)
    page.add(*card_on_stage(v, where))
    title_h = v.typesetter.line_height(m.heading_px) * 2
    wait = with_slip_note(v, v.t("dispensing.wait"))  # and the slip's, when one is coming
    probe = v.text(wait, pygame.Rect(0, 0, where.side.width, 10_000))
    wait_h = v.typesetter.line_height(m.body_px) * max(1, len(probe.lines))
    rows = split_rows(where.side, [title_h, None, wait_h], m.gap)
    page.add(
        v.text(
            v.t("dispensing.title"),
            rows[0],
            px=m.heading_px,
            bold=True,
            color=p.primary,
            align="center",
            valign="bottom",
        )
    )
    scene = _scene_rect(v, rows[1])
    page.add(*on_its_way(v, scene))
    page.motion = scene
    page.add(v.text(wait, rows[2], color=p.muted, align="center"))
    return page


def _scene_rect(v: View, room: pygame.Rect) -> pygame.Rect:
    height = min(room.height, room.width)
    scene = pygame.Rect(0, 0, min(room.width, height * 4 // 5), height)
    scene.center = room.center
    return scene


def on_its_way(v: View, scene: pygame.Rect) -> list[Op]:
    """The cabinet's window: a shelf with its spiral, and the gift where it is now (pushed
    off the shelf, dropping, landing in the tray)."""
    geometry = _Geometry.of(scene)
    machine = _machine(v, scene.size, geometry)
    t = ((v.now - v.state.entered_at) % CYCLE_S) / CYCLE_S
    x, y = _gift_at(t, geometry)
    picture = _gift_picture(v, geometry.gift)
    return [Picture(machine, scene.topleft), Picture(picture, (scene.x + x, scene.y + y))]


@dataclass(frozen=True)
class _Geometry:
    """The scene in its own coordinates (0, 0 at its top left)."""

    size: tuple[int, int]
    gift: int  # the gift's picture, square
    window: pygame.Rect  # the glass
    shelf: pygame.Rect
    tray: pygame.Rect  # the opening the gift lands in

    @classmethod
    def of(cls, scene: pygame.Rect) -> _Geometry:
        w, h = scene.size
        pad = max(4, w // 14)
        window = pygame.Rect(pad, pad, w - 2 * pad, h * 3 // 4 - pad)
        gift = max(12, min(window.width // 3, window.height // 3))
        shelf = pygame.Rect(
            window.x, window.y + gift + pad, window.width * 2 // 3, max(3, pad // 2)
        )
        tray = pygame.Rect(pad * 2, window.bottom + pad, w - 4 * pad, h - window.bottom - 2 * pad)
        return cls((w, h), gift, window, shelf, tray)


def _machine(v: View, size: tuple[int, int], g: _Geometry) -> pygame.Surface:
    """The still part, drawn once: the cabinet, its glass, the shelf, the spiral, the tray."""
    p = v.palette

    def make() -> pygame.Surface:
        surface = pygame.Surface(size, pygame.SRCALPHA)
        surface.fill((0, 0, 0, 0))
        body = pygame.Rect(0, 0, *size)
        radius = max(4, size[0] // 16)
        pygame.draw.rect(surface, p.secondary, body, border_radius=radius)
        pygame.draw.rect(surface, p.muted, body, max(2, size[0] // 80), border_radius=radius)
        pygame.draw.rect(surface, p.paper, g.window, border_radius=radius // 2)
        pygame.draw.rect(surface, p.muted, g.shelf)
        turns = 5
        wave = [
            (
                g.shelf.x + g.shelf.width * i / 60,
                g.shelf.y - g.gift * (0.5 + 0.45 * math.sin(i / 60 * turns * 2 * math.pi)),
            )
            for i in range(61)
        ]
        pygame.draw.lines(surface, p.muted, False, wave, max(2, g.gift // 14))
        pygame.draw.rect(surface, p.overlay, g.tray, border_radius=radius // 2)
        return surface

    key = ("machine", size, p)
    return v.pictures.get(key, make) if v.pictures is not None else make()


def _gift_at(t: float, g: _Geometry) -> tuple[int, int]:
    """Where the gift is at `t` (0..1 of a cycle): pushed along the shelf, falling (faster
    and faster), then resting in the tray."""
    top_y = g.shelf.y - g.gift
    edge_x = g.shelf.right - g.gift // 3
    fall_x = g.shelf.right + (g.window.right - g.shelf.right - g.gift) // 2
    rest_y = g.tray.y + (g.tray.height - g.gift) // 2
    if t < 0.4:  # pushed along by the turning spiral
        k = t / 0.4
        return round(g.shelf.x + (edge_x - g.gift - g.shelf.x) * k), top_y
    if t < 0.7:  # over the edge, and the fall
        k = (t - 0.4) / 0.3
        return round(edge_x - g.gift + (fall_x - edge_x + g.gift) * min(1, k * 3)), round(
            top_y + (rest_y - top_y) * k * k
        )
    wobble = round(math.sin((t - 0.7) * 40) * g.gift * 0.04 * (1 - t))  # it lands
    return fall_x, rest_y + wobble


def _gift_picture(v: View, side: int) -> pygame.Surface:
    item = v.state.visit.item

    def make() -> pygame.Surface:
        return item_picture(item, side)

    return v.pictures.get(("gift", item, side), make) if v.pictures is not None else make()
