"""The kiosk's own exceptions. Hardware and content keep theirs in their packages:

KioskError          anything the kiosk itself refuses
└── ConfigError     the machine configuration is unusable (file and key named)

hardware.errors.HardwareError  → BoardError → BoardUnreachable, …   (see there)
prescriptions.errors.ContentError (file, line, code, Korean message)  (see there)
"""


class KioskError(Exception):
    """Base of the kiosk's own failures."""


class ConfigError(KioskError):
    """The configuration file cannot be used."""
