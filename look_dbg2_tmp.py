import pygame; pygame.init()
from tests.kiosk.ui_support import states, bundled, page_for
from kiosk.visit.screens.base import UiState
st = states(bundled(), 'ko')['info']
for i in range(0,5):
    page = page_for(st, (720,1280), ui=UiState(list_page=i))
    for b in page.text_blocks():
        if b.truncated: print(i, repr(b.source[:20]), tuple(b.box), len(b.lines))
