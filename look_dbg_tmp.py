import pygame; pygame.init()
from datetime import date
from tests.kiosk.ui_support import bundled, fonts, translations
from kiosk.ui.i18n import Texts
from kiosk.ui.scene import Typesetter
from kiosk.ui.theme import Palette, metrics_for, panel
from kiosk.shell.app import glyph_ratio
from kiosk.visit.flow import Visit, SlipStamp
from kiosk.visit.card import card_for_visit, CardKit, CardLook
from kiosk.visit.card.layout import attempt, ROOMY, COMPACT, SCALES
c = bundled(); lang='ko'
rx = max(c.prescriptions, key=lambda p: len(p.phrase.get(lang)))
sym = next(s for s in c.symptoms if s.category in rx.categories)
texts = Texts(translations(), lang)
m = metrics_for(panel(720,1280), glyph_ratio(fonts()))
kit = CardKit.for_screen(Typesetter(fonts(), m.min_px), m, CardLook.screen(Palette()))
v = Visit(symptom=sym.id, prescription=rx.id, slot=None, item=None, slip=SlipStamp(date(2026,11,30), 42))
card = card_for_visit(v, c, texts, "x")
for sc in SCALES:
    lay = attempt(card, pygame.Rect(0,0,700,650), kit, sc, ROOMY)
    print(sc, lay.fits, [(b.source[:12], b.truncated, tuple(b.box)) for b in lay.blocks if b.truncated or b.box.height<=0 or b.box.width<=0])
from kiosk.visit.card.layout import _Plan, _Sizes, _header_side
import kiosk.visit.card.layout as L
for lvl in (ROOMY, COMPACT):
    plan = _Plan(card, kit, pygame.Rect(0,0,700,650), _Sizes(32, 35, 51, 10), lvl)
    inner = pygame.Rect(24, 30, 650, 560)
    print(lvl, _header_side(plan, inner, 78), [b.source for b in plan.blocks])
    print(plan.width(f"{card.pharmacy}  {card.title}", 32, bold=True), max(plan.width(t, 32, bold=True) for t in (card.number, card.date)))
