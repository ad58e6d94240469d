"""Text and picture primitives the screens are drawn with.

linebreak   Korean/English line breaking (pure, no pygame)
scene       display lists; the Typesetter fits text in a box at the largest size that fits
theme       colours and sizes from the panel's physical size
fonts       finding a font with Hangul; FontBook caches fonts and text widths
contrast    WCAG contrast ratio (the barrier-free guideline asks for 4.5:1)
qr          crisp QR codes with an integer pixel scale and the quiet zone
card        the prescription card for staff tools (preview, fit check)
"""
