"""The printed prescription slip: part of the visit, never a blocker.

- `order`: what the visit asks to have printed (`SlipOrder`) and the `SlipPrinter` it asks
  (no pygame, no printer layer: the session imports it at start);
- `slip`: THE picture of a slip (`slip_picture`): the card, the QR code, the help lines;
- `paper`: how much paper a slip takes, and what is left on the roll (pure);
- `service`: the printer's own thread: opens it after the first frame, reads its status, prints
  the jobs the visit gives it and reports back through the inbox (`PrintService`).
"""
