"""One module per `main.py` command (see `kiosk.cli`)."""
