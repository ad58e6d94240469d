"""Everything that touches the physical machine, behind small interfaces.

Knows nothing of `prescriptions` or `kiosk`.
"""
