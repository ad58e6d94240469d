"""Tools around the kiosk: the scripted demo, the benchmark, the display test."""
