"""마음약방 kiosk — command-line entry point. See `python main.py --help`."""

import sys

from kiosk.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
