"""The prescription slip: the card a visitor reads, keeps on screen, and remembers."""

from __future__ import annotations

import pygame

from kiosk.ui.fonts import Weight
from kiosk.ui.scene import Box, Op, TextBlock, inset
from kiosk.visit.screens.base import View
from prescriptions.model import Content, Hotline, Place, Prescription


def resource_line(content: Content, resource_id: str | None, lang: str) -> str:
    """A next step as one line: "외로움안녕120 02-120 → 5", a place with its phone, a programme."""
    if not resource_id:
        return ""
    try:
        found = content.resource(resource_id)
    except KeyError:
        return ""
    if isinstance(found, Hotline):
        press = f" → {found.then_press}" if found.then_press else ""
        return f"{found.name.get(lang)} {found.number}{press}"
    if isinstance(found, Place):
        return f"{found.district.get(lang)} {found.name.get(lang)} · {found.phone}"
    return found.name.get(lang)  # a programme: its name is the step; details are on the info


def slip(
    v: View,
    rect: pygame.Rect,
    rx: Prescription,
    symptom_name: str,
    help_first: bool,
    compact: bool = False,
) -> list[Op]:
    """The slip's display list inside `rect`. Text shrinks to fit, never below the minimum.

    `compact` keeps only the medicine and the phrase (beside an outcome message).
    """
    m, p, lang = v.metrics, v.palette, v.texts.lang
    ops: list[Op] = [
        Box(rect, p.paper, m.radius),
        Box(rect, p.paper, m.radius, border=max(2, m.gap // 4), border_color=p.rule),
    ]
    inner = inset(rect, max(m.gap, m.radius), max(m.gap // 2, 4))
    line_min = v.typesetter.line_height(m.min_px)
    roomy = inner.height > 10 * line_min and not compact
    medicine_px = m.title_px if roomy else m.heading_px
    header = pygame.Rect(inner.x, inner.y, inner.width, v.typesetter.line_height(medicine_px))
    label = v.t("prescription.slip")
    label_w = 0 if compact else v.typesetter.fonts.measure(label, m.min_px, Weight.BOLD) + 2 * m.gap
    stamp = pygame.Rect(header.x - m.gap, header.y, label_w, line_min).move(
        0, (header.height - line_min) // 2
    )
    if not compact:
        stamp.x += m.gap
        ops.append(Box(stamp, p.paper, m.radius, border=2, border_color=p.stamp))
        ops.append(
            v.text(
                label,
                stamp,
                px=m.min_px,
                bold=True,
                color=p.stamp,
                align="center",
                valign="middle",
                max_lines=1,
            )
        )
    name = v.texts.fill(rx.medicine.get(lang))
    name_w = min(
        header.width - label_w - m.gap,
        v.typesetter.fonts.measure(name, medicine_px, Weight.BOLD) + m.gap,
    )
    name_box = pygame.Rect(stamp.right + m.gap, header.y, name_w, header.height)
    ops.append(
        v.text(
            name, name_box, px=medicine_px, bold=True, color=p.primary, valign="middle", max_lines=1
        )
    )
    room = header.right - name_box.right - m.gap
    if symptom_name and not compact:
        text = f"{v.t('prescription.symptom')} · {symptom_name}"
        if v.typesetter.fonts.measure(text, m.min_px) <= room:
            ops.append(
                v.text(
                    text,
                    pygame.Rect(name_box.right + m.gap, header.y, room, header.height),
                    px=m.min_px,
                    color=p.muted,
                    align="right",
                    valign="middle",
                    max_lines=1,
                )
            )
    rule = pygame.Rect(inner.x, header.bottom + 2, inner.width, max(2, m.gap // 4))
    ops.append(Box(rule, p.rule))
    medicine = rule

    bottom = inner.bottom
    if compact:
        phrase_box = pygame.Rect(
            inner.x,
            medicine.bottom + m.gap // 2,
            inner.width,
            inner.bottom - medicine.bottom - m.gap // 2,
        )
        ops.append(v.text(v.texts.fill(rx.phrase.get(lang)), phrase_box, valign="middle"))
        return ops
    tail: list[TextBlock] = []
    step_text = (
        v.t("prescription.gentle_help")
        if help_first
        else resource_line(v.content, rx.next_step, lang)
    )
    if step_text:
        label = "" if help_first else f"{v.t('prescription.next_step')} · "
        block = _bottom_block(
            v,
            label + step_text,
            inner.x,
            inner.width,
            bottom,
            lines=3 if help_first else 2,
            color=p.stamp if help_first else p.text,
        )
        tail.append(block)
        bottom = block.box.y - m.gap // 2
    dosage = _bottom_block(
        v,
        f"{v.t('prescription.dosage')} · {v.texts.fill(rx.dosage.get(lang))}",
        inner.x,
        inner.width,
        bottom,
        lines=2,
        color=p.text,
    )
    tail.append(dosage)
    phrase_box = pygame.Rect(
        inner.x,
        medicine.bottom + m.gap // 2,
        inner.width,
        dosage.box.y - m.gap // 2 - medicine.bottom - m.gap // 2,
    )
    phrase_px = m.heading_px if roomy else m.body_px
    phrase = v.texts.fill(rx.phrase.get(lang))
    ops.append(v.text(phrase, phrase_box, px=phrase_px, valign="middle"))
    ops.extend(tail)
    return ops


def _bottom_block(
    v: View, text: str, x: int, width: int, bottom: int, *, lines: int, color: tuple[int, int, int]
) -> TextBlock:
    """A small-text block standing on `bottom`, as tall as its wrapped lines need."""
    px = v.metrics.min_px
    line_h = v.typesetter.line_height(px)
    for n in range(1, lines + 1):
        box = pygame.Rect(x, bottom - line_h * n, width, line_h * n)
        block = v.typesetter.block(text, box, px=px, color=color, max_lines=n)
        if not block.truncated:
            return block
    return block
