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
from kiosk.visit.card import card_for_visit, CardKit, CardLook, layout_card
from kiosk.visit.card.layout import attempt, TIGHT
c = bundled()
size=(800,480); rect=pygame.Rect(0,0,int(sys.argv[1]),int(sys.argv[2]))
m = metrics_for(panel(*size), glyph_ratio(fonts()))
kit = CardKit.for_screen(Typesetter(fonts(), m.min_px), m, CardLook.screen(Palette()))
bad=0; t=time.perf_counter(); n=0
for lang in ("ko","en"):
  texts = Texts(translations(), lang)
  for rx in c.prescriptions:
    syms=[s for s in c.symptoms if s.category in rx.categories]
    sym=max(syms,key=lambda s: len(s.name.get(lang)))
    for hf in (False, True):
      v = Visit(symptom=sym.id, prescription=rx.id, slot=1, item="candy", show_help_first=hf, slip=SlipStamp(date(2026,12,31), 142))
      card = card_for_visit(v, c, texts, "x"); n+=1
      lay = layout_card(card, rect, kit)
      if not lay.fits:
        bad+=1
        if bad<6: print(lang, rx.id, hf, [(b.source[:30], tuple(b.box)) for b in lay.blocks if b.truncated])
print('bad', bad, 'of', n, f'{time.perf_counter()-t:.1f}s')
import collections
over=collections.Counter()
for lang in ("ko","en"):
  texts = Texts(translations(), lang)
  for rx in c.prescriptions:
    syms=[s for s in c.symptoms if s.category in rx.categories]
    sym=max(syms,key=lambda s: len(s.name.get(lang)))
    for hf in (False, True):
      v = Visit(symptom=sym.id, prescription=rx.id, slot=1, item="candy", show_help_first=hf, slip=SlipStamp(date(2026,12,31), 142))
      card = card_for_visit(v, c, texts, "x")
      lay = attempt(card, rect, kit, 1.0, TIGHT)
      if lay.fits: continue
      ph = next(b for b in lay.blocks if b.source == card.phrase)
      need = len(kit.typesetter.block(card.phrase, pygame.Rect(0,0,ph.box.width,2000), px=kit.small_px, color=(0,0,0)).lines)*37
      over[(lang, hf, (need - ph.box.height)//37 + 1)] += 1
print(sorted(over.items()))
