"""The running kiosk put together: `run` builds it with this, and so does the test of the real
assembly, so what is tested is what ships.

The screen comes first. The content is loaded with the quick structural checks, the visit is
ready, and the first frame can be drawn at once; the cabinet's hardware (the board answers
after about a second, a missing port takes longer) joins from a background thread through the
inbox (`Attach`), and until then the kiosk simply cannot dispense. Staff mode joins with the
cabinet, since it works on its ledger. The sound (voice guidance, the tap tick, the chime) joins
the same way from its own thread: the mixer opens and the voice's threads start, then the voice
guide gets its speaker; until then the kiosk is silent. Once content is checked, every phrase it
can say is made into the phrase cache in the background. A voice that cannot speak (no
espeak-ng, no sound device) is a staff alert (`AlertKind.AUDIO`) and a log line; visits go on.

The receipt printer joins the same way on a thread of its own (`PrintService`): until it has
answered, no printed slip is offered; its alerts join the cabinet's alert monitor, and its
slips and paper are counted in the cabinet's ledger once that is open.

Stop order (`ShutdownCoordinator` runs the steps in reverse order of registration):
systemd is told, the content watcher stops, the voice stops (and the pre-renderer with it), a
vend under way finishes, staff jobs end, the printer finishes its slip and closes, the cabinet
closes (lights off, port closed, ledger closed), the display closes last.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from hardware.dispenser import VendOutcome, VendResult
from kiosk.shell.config import KioskConfig
from kiosk.shell.inbox import Attach, DispensingStatus, Inbox
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.shell.shutdown import ShutdownCoordinator
from kiosk.shell.systemd import Notifier
from kiosk.shell.wait import Waker
from kiosk.shell.writer import BackgroundWriter, Writer
from kiosk.visit.content_feed import ContentFeed
from prescriptions.history import MemoryHistory
from prescriptions.model import Content

if TYPE_CHECKING:
    from hardware.speech import Speech
    from kiosk.cabinet.ledger import Ledger
    from kiosk.cabinet.link import CabinetLink
    from kiosk.staff.mode import StaffMode
    from kiosk.visit.printing.service import PrintService

log = logging.getLogger(__name__)

CabinetOpener = Callable[
    [KioskConfig, "str | None", Callable[[object], None], Writer], "CabinetLink"
]


@dataclass
class Kiosk:
    config: KioskConfig
    runtime: Runtime
    feed: ContentFeed
    shutdown: ShutdownCoordinator
    notifier: Notifier
    waker: Waker
    writer: BackgroundWriter
    cabinet: CabinetLink | None = None
    staff: StaffMode | None = None
    printing: PrintService | None = None  # the receipt printer, when one is configured
    clock: Callable[[], float] = time.monotonic
    speech: Speech | None = None  # the voice, once its thread has built it
    _opening: threading.Thread | None = field(default=None, repr=False)
    _sounding: threading.Thread | None = field(default=None, repr=False)

    def start(self, port: str | None, opener: CabinetOpener | None = None) -> None:
        """Content checks and the cabinet's hardware, in the background."""
        if opener is None:
            from kiosk.cabinet.link import open_cabinet  # gpiozero, serial: after the frame

            opener = open_cabinet
        self.feed.start()
        if self.config.printer.enabled:
            self._start_printer()
        self._opening = threading.Thread(
            target=self._open_cabinet, args=(port, opener), name="cabinet", daemon=True
        )
        self._opening.start()
        self._sounding = threading.Thread(target=self._open_audio, name="audio", daemon=True)
        self._sounding.start()

    def wait_for_audio(self, timeout: float | None = None) -> None:
        """Until the background start of the sound is over (tests, shutdown)."""
        if self._sounding is not None:
            self._sounding.join(timeout)

    def _open_audio(self) -> None:
        """Off the UI thread: the mixer opens (SDL, ALSA) and the voice's threads start; a dead
        device or a missing espeak-ng come back later as events, not as exceptions here."""
        from hardware.speech import build_speech
        from hardware.speech.errors import AudioDeviceError
        from hardware.speech.events import AudioFault

        inbox = self.runtime.inbox
        try:
            speech = build_speech(self.config.speech, self.config.data_dir, emit=inbox.post)
            speech.start()
        except Exception as exc:  # the settings were checked at load; a bug must not stop it
            log.exception("the voice could not be started; the kiosk stays silent")
            inbox.post(AudioFault(AudioDeviceError(f"the voice could not be started: {exc}")))
            return
        self.speech = speech
        guide = self.runtime.app.voice
        inbox.post(Attach("audio", lambda: guide.attach(speech.voice, speech.prerender)))

    def _close_audio(self) -> None:
        self.wait_for_audio(5.0)
        if self.speech is not None:
            self.speech.close()

    def _audio_problem(self, code: str | None, detail: str) -> None:
        """The voice cannot speak (or can again): the staff alert follows, written off the UI
        thread like every ledger write. Before the cabinet joins it waits for the cabinet."""
        from kiosk.cabinet.alerts import Alert, AlertKind

        monitor = self.cabinet.monitor if self.cabinet is not None else None
        if monitor is None:
            return  # `_attach` raises what is standing once the cabinet is there
        alert = None if code is None else Alert(AlertKind.AUDIO, detail=code)

        def hold() -> None:
            monitor.hold("audio", alert)

        self.writer.submit(hold)

    def _start_printer(self) -> None:
        from kiosk.visit.printing.service import PrintService  # after the first frame

        rt = self.runtime
        self.printing = PrintService(
            self.config.printer,
            post=rt.inbox.post,
            fonts=rt.app.fonts,
            translations=rt.app.translations,
            data_dir=self.config.data_dir,
            nearest_place=self.config.nearest_place,
        )
        rt.session.printer = self.printing
        self.printing.start()

    def wait_for_cabinet(self, timeout: float | None = None) -> None:
        """Until the background start of the hardware is over (tests, shutdown)."""
        if self._opening is not None:
            self._opening.join(timeout)

    def _open_cabinet(self, port: str | None, opener: CabinetOpener) -> None:
        inbox = self.runtime.inbox
        try:
            handle = opener(self.config, port, inbox.post, self.writer)
        except Exception as exc:  # open_cabinet never raises; a bug must not either
            log.exception("the cabinet could not be started")
            inbox.post(DispensingStatus(f"cabinet start failed: {exc}"))
            return
        # The slips' running number goes on from today's count (a ledger read: here, not on
        # the UI thread).
        today = self.runtime.session.wall().date()
        issued = handle.prescriptions_on(today)
        inbox.post(Attach("cabinet", lambda: self._attach(handle, today, issued)))

    def _attach(self, handle: CabinetLink, today: date | None = None, issued: int = 0) -> None:
        """On the UI thread: the hardware is ready."""
        from kiosk.staff.setup import build_staff_mode  # not needed for the first frame

        self.cabinet = handle
        rt = self.runtime
        rt.session.use_cabinet(
            handle.dispenser, handle.stock, handle.stats, handle.history, handle.chute_off
        )
        rt.session.call_person = handle.call_person
        if today is not None:
            rt.session.slips.seed(today, issued)
        rt.app.simulated = handle.dispenser.simulated
        rt.dispenser = handle.dispenser
        if self.printing is not None:
            self._printer_joins_cabinet(handle, self.printing)
        self.staff = build_staff_mode(
            self.config,
            handle,
            rt.session,
            self.feed,
            simulated=handle.dispenser.simulated,
            now=self.clock(),  # a PIN lockout left by the last run is read on this clock
            post=rt.inbox.post,  # staff jobs answer through the inbox like all background work
            printer=self.printing,
        )
        rt.app.staff = self.staff
        if handle.cabinet is not None:
            self._note_content_version(handle.cabinet.ledger)
        handle.attach(rt.inbox.post)  # the dispensing status and alerts as of now
        if rt.app.voice.problem is not None:  # the voice failed before the cabinet was here
            self._audio_problem(rt.app.voice.problem, rt.app.voice.problem_detail)
        kind = "simulation" if rt.app.simulated else "hardware"
        log.info("the cabinet joined: %s", kind)
        self.notifier.status(f"serving visitors; the cabinet joined ({kind})")

    @staticmethod
    def _printer_joins_cabinet(handle: CabinetLink, printing: PrintService) -> None:
        """Slips and paper are counted in the ledger; the printer's alerts light the
        attention LED with the rest (the alert monitor is its only owner)."""
        if handle.cabinet is not None:
            printing.use_book(handle.cabinet.ledger)
        if handle.monitor is not None:
            handle.monitor.sources.append(printing.alerts)
            monitor = handle.monitor

            def recheck() -> None:
                monitor.check()

            printing.on_change = recheck

    def _note_content_version(self, ledger: Ledger) -> None:
        """The ledger keeps the version of the content visitors are served (the fleet agent
        reports it): now, and whenever the visit takes new content; written by the writer."""
        from kiosk.staff.content import fingerprint

        def note(content: Content) -> None:
            version = fingerprint(content)
            self.writer.submit(lambda: ledger.set_content_version(version))

        session = self.runtime.session
        session.on_content = note
        note(session.content)

    def _close_cabinet(self) -> None:
        self.wait_for_cabinet()
        # An opener that finished while the loop was stopping left its handle in the inbox.
        for event in self.runtime.inbox.drain():
            if isinstance(event, Attach) and event.what == "cabinet" and self.cabinet is None:
                event.attach()
        if self.cabinet is not None:
            self.cabinet.close()

    def _close_printer(self) -> None:
        if self.printing is not None:
            self.printing.close()

    def _close_staff(self) -> None:
        if self.staff is not None:
            self.staff.close()


def assemble(
    config: KioskConfig,
    *,
    notifier: Notifier,
    shutdown: ShutdownCoordinator,
    close_display: Callable[[], None] = lambda: None,
    clock: Callable[[], float] = time.monotonic,
) -> Kiosk:
    """The kiosk, ready for its first frame; `start` then brings in the hardware."""
    waker = Waker()
    inbox = Inbox()
    inbox.on_post(waker.wake)
    feed = ContentFeed.open(config, inbox.post)
    runtime = build_runtime(
        config,
        clock(),
        history=MemoryHistory(config.no_repeat_window),
        content=feed.initial,
        content_fault=feed.initial_fault,
        inbox=inbox,
        dispenser=_Starting(),
    )
    runtime.session.set_dispensing(False, clock())  # until the cabinet joins
    runtime.app.card_drawn = feed.drawn
    kiosk = Kiosk(config, runtime, feed, shutdown, notifier, waker, BackgroundWriter(), clock=clock)
    runtime.app.voice.on_problem = kiosk._audio_problem
    shutdown.on_shutdown("display", close_display)
    shutdown.on_shutdown("cabinet", kiosk._close_cabinet)
    shutdown.on_shutdown("printer", kiosk._close_printer)  # its last slip written before
    shutdown.on_shutdown("disk writes", kiosk.writer.close)  # all written before the ledger
    shutdown.on_shutdown("staff", kiosk._close_staff)  # its jobs end before the ledger closes
    shutdown.on_shutdown("vends", lambda: runtime.worker.join(timeout=5))
    shutdown.on_shutdown("audio", kiosk._close_audio)
    shutdown.on_shutdown("content watcher", feed.close)
    shutdown.on_shutdown("systemd", notifier.stopping)
    return kiosk


class _Starting:
    """The dispenser before the cabinet joins: nothing is dispensed (the flow knows, since
    dispensing is off until then; this only guards against a stray vend)."""

    @property
    def simulated(self) -> bool:
        return False

    def vend(self, slot: int) -> VendResult:
        return VendResult(VendOutcome.BOARD_UNREACHABLE, slot, None, "the cabinet is starting")

    def close(self) -> None:
        return None
