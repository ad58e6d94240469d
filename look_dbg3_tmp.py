import pygame
from tests.kiosk.test_app import kiosk, finger
from kiosk.visit.flow import Screen
rt = kiosk()
surface = pygame.Surface((1280, 800))
rt.app.frame(surface, [], 0.0)
start = rt.app.page.button("start").rect.center
print(rt.app.frame(surface, [finger(pygame.FINGERUP, start)], 1.0), rt.session.state.screen)
for t in (1.1, 1.2, 1.3, 1.5):
    old=rt.app._key
    r = rt.app.frame(surface, [], t)
    print(t, r, rt.app._fade is not None, rt.app._fade_pending, rt.app._dirty, old == rt.app._key)
    if old != rt.app._key and old: print([ (i, a, b) for i,(a,b) in enumerate(zip(old, rt.app._key)) if a!=b][:3])
