"""The cabinet as the kiosk sees it: slots and stock, the ledger, vends, alerts and the LED."""
