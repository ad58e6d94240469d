"""The process around the visit: configuration, assembly, the event loop, the inbox, stopping."""
