"""The visit: its pure flow, the session that runs it, and the screens it shows."""
