"""Text and picture primitives the screens are drawn with.

linebreak   Korean/English line breaking (pure, no pygame)
paragraph   wrapped text laid out and drawn inside a rect, largest size that fits
fonts       finding a font with Hangul; FontBook caches fonts and text widths
contrast    WCAG contrast ratio (the barrier-free guideline asks for 4.5:1)
qr          crisp QR codes with an integer pixel scale and the quiet zone
"""
