"""Staff mode: the social workers' screens inside the kiosk (PIN, slots, refill, content,
statistics, a quick machine check). `state.py` is the pure state machine, `mode.py` carries
out its commands for the app shell, `screens/` draws it."""
