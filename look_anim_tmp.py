import sys, pygame; pygame.init()
from dataclasses import replace
from tests.kiosk.ui_support import states, bundled, view
from kiosk.visit.screens import build_page
from kiosk.ui.scene import Renderer
from tests.kiosk.ui_support import fonts
screen, size = sys.argv[1], tuple(int(x) for x in sys.argv[2].split('x'))
st = states(bundled(), 'ko')[screen]
frames=[]
for t in (0.0, 0.5, 0.9, 1.2, 1.5, 1.9):
    v = replace(view(st, size, bundled()), now=t)
    page = build_page(v)
    s = pygame.Surface(size); s.fill(v.palette.background)
    r = Renderer(fonts()); r.draw(s, page.ops)
    for b in page.buttons: r.draw(s, b.ops)
    if page.motion: pygame.draw.rect(s, (255,0,0), page.motion, 1)
    frames.append(s)
W,H=size
sheet=pygame.Surface((W*3//2, H*2//2)); 
for i,f in enumerate(frames): sheet.blit(pygame.transform.smoothscale(f,(W//2,H//2)), ((i%3)*W//2, (i//3)*H//2))
pygame.image.save(sheet, f'/tmp/look-anim-{screen}-{size[0]}.png')
