import sys, time
import pygame
pygame.init()
from datetime import date
from tests.kiosk.ui_support import bundled, fonts, translations
from kiosk.ui.i18n import Texts
from kiosk.ui.scene import Typesetter
from kiosk.ui.theme import Palette, metrics_for, panel
from kiosk.shell.app import glyph_ratio
from kiosk.visit.flow import Visit, SlipStamp
from kiosk.visit.card import card_for_visit, card_surface, CardKit, CardLook, slip_image, layout_card
c = bundled()
lang = sys.argv[1] if len(sys.argv) > 1 else "ko"
rx = max(c.prescriptions, key=lambda p: len(p.phrase.get(lang)))
sym = next(s for s in c.symptoms if s.category in rx.categories)
texts = Texts(translations(), lang)
for item, help_first, slot in (("hand_warmer", False, 4), ("tea", True, 2), (None, False, None)):
    v = Visit(symptom=sym.id, prescription=rx.id, slot=slot, item=item, show_help_first=help_first, slip=SlipStamp(date(2026,11,30), 42))
    card = card_for_visit(v, c, texts, "손난로")
    for size, rect in (((800,480),(786,327)), ((1280,800),(760,580)), ((1920,1080),(1150,850)), ((720,1280),(700,650))):
        m = metrics_for(panel(*size), glyph_ratio(fonts()))
        kit = CardKit.for_screen(Typesetter(fonts(), m.min_px), m, CardLook.screen(Palette()))
        t=time.perf_counter(); lay = layout_card(card, pygame.Rect(0,0,*rect), kit); dt=time.perf_counter()-t
        print(size, rect, item, help_first, 'fits', lay.fits, f'{dt*1000:.0f}ms', [b.lines[0].px for b in lay.blocks][:6])
        s = card_surface(card, rect, kit)
        pygame.image.save(s, f"/tmp/look-card-{lang}-{size[0]}-{item}-{help_first}.png")
    for w in (384, 576):
        s = slip_image(card, w, fonts())
        pygame.image.save(s, f"/tmp/look-slip-{lang}-{w}-{item}.png")
        print('slip', w, s.get_size())

from kiosk.visit.card.layout import attempt, ROOMY, COMPACT
m = metrics_for(panel(1280,800), glyph_ratio(fonts()))
kit = CardKit.for_screen(Typesetter(fonts(), m.min_px), m, CardLook.screen(Palette()))
v = Visit(symptom=sym.id, prescription=rx.id, slot=4, item="tea", slip=SlipStamp(date(2026,11,30), 42))
card = card_for_visit(v, c, texts, "x")
for lvl in (ROOMY, COMPACT):
  for sc in (1.0,1.2):
    lay = attempt(card, pygame.Rect(0,0,760,580), kit, sc, lvl)
    print(lvl, sc, lay.fits, [(b.source[:12], b.truncated, tuple(b.box)) for b in lay.blocks if b.truncated or b.box.height<=0 or b.box.width<=0])
