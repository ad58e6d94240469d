"""The 마음약방 kiosk: the visitor's app and the operations around it."""
