"""The content of the 마음약방: files staff edit, their checks, and selection.

Knows nothing of `hardware` or `kiosk`.
"""
