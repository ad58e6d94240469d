"""The technician's checks (`main.py hwtest`): one `Check` per part, each ending PASS, FAIL or SKIP.

Everything a check touches is handed to it as plain values (a port URL, slot numbers, pins, a
board, a clock), so the same checks run against the simulator, mock pins and the real machine,
and the kiosk's configuration stays on the kiosk's side of the fence. Every message is written
for a technician at the open cabinet: English, with a short Korean gloss where it helps, and a
next step that names the part to look at.

- `checks`: `Check`, `CheckResult`, the runner (`run_checks`) and the JSON report;
- `person`: the person at the cabinet, reached only through a `Prompter`;
- `configuration`: the configuration and the serial port;
- `gpio_checks`: the GPIO parts, with the technician;
- `audio_checks`: the voice: espeak-ng, the speaker and the earphone jack, with the technician;
- `board_checks`: HELLO, the serial link, STATUS, the supply and the home switches;
- `slot_checks`: each slot turned once, as a test vend through the kiosk's own vend path;
- `printer_checks`: the receipt printer: present, its status, a test slip, read by a person;
- `verdicts`: pure functions from the board's answers to a verdict.
"""

from hardware.diagnostics.audio_checks import audio_checks
from hardware.diagnostics.board_checks import BoardSession, board_checks
from hardware.diagnostics.checks import (
    GROUPS,
    REPORT_SCHEMA,
    Check,
    CheckResult,
    Clock,
    Details,
    Listener,
    Outcome,
    Sleep,
    Status,
    exit_status,
    failed,
    passed,
    report,
    run_checks,
    skipped,
    summary,
)
from hardware.diagnostics.configuration import (
    configuration_check,
    configuration_problems,
    serial_port_check,
)
from hardware.diagnostics.gpio_checks import (
    GpioSession,
    gpio_checks,
    gpio_person_checks,
    gpio_setup_check,
)
from hardware.diagnostics.person import (
    Answer,
    Prompter,
    Request,
    ScriptedPrompter,
    TerminalPrompter,
)
from hardware.diagnostics.printer_checks import PrinterSession, printer_checks
from hardware.diagnostics.slot_checks import MOTOR_DEADLINE_S, slot_checks
from hardware.diagnostics.verdicts import (
    MOTOR_MA,
    REVOLUTION_S,
    SLOW_MARGIN_S,
    SUPPLY_MV,
    MotorRun,
    hello_verdict,
    home_verdict,
    motor_verdict,
    slots_in_mask,
    status_verdict,
    supply_verdict,
)

__all__ = [
    "GROUPS",
    "MOTOR_DEADLINE_S",
    "MOTOR_MA",
    "REPORT_SCHEMA",
    "REVOLUTION_S",
    "SLOW_MARGIN_S",
    "SUPPLY_MV",
    "Answer",
    "BoardSession",
    "Check",
    "CheckResult",
    "Clock",
    "Details",
    "GpioSession",
    "Listener",
    "MotorRun",
    "Outcome",
    "PrinterSession",
    "Prompter",
    "Request",
    "ScriptedPrompter",
    "Sleep",
    "Status",
    "TerminalPrompter",
    "audio_checks",
    "board_checks",
    "configuration_check",
    "configuration_problems",
    "exit_status",
    "failed",
    "gpio_checks",
    "gpio_person_checks",
    "gpio_setup_check",
    "hello_verdict",
    "home_verdict",
    "motor_verdict",
    "passed",
    "printer_checks",
    "report",
    "run_checks",
    "serial_port_check",
    "skipped",
    "slot_checks",
    "slots_in_mask",
    "status_verdict",
    "summary",
    "supply_verdict",
]
