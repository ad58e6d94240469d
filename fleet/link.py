"""One MQTT connection over TLS, kept up by its own thread: paho-mqtt 2.x (MQTT 5) with a
persistent session, reporting what happens as typed events to one callback.

The thread connects, runs paho's loop until the connection ends, and tries again with a
doubling back-off. It builds the TLS context itself and keeps paho's last error line, so a
failed connection says *why* (a refused password, an expired certificate, no route): see
`fleet.status.classify`. Nothing here keeps messages: the agent's outbox does.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from fleet.config import BrokerSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Will:
    topic: str
    payload: bytes
    retain: bool = True


@dataclass(frozen=True)
class Connected:
    session_present: bool


@dataclass(frozen=True)
class Subscribed:
    """The broker confirmed the subscriptions (`ok`: all of them granted)."""

    ok: bool


@dataclass(frozen=True)
class Disconnected:
    reason: str


@dataclass(frozen=True)
class ConnectFailed:
    """No session: `error` is the exception or refusal as text, for `fleet.status.classify`."""

    error: str
    refused: bool  # the broker answered and said no (name, password, not authorised)


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retained: bool


@dataclass(frozen=True)
class Acked:
    """The broker took a QoS 1 message (`ok`) or refused it (e.g. not authorised)."""

    mid: int
    ok: bool
    reason: str


LinkEvent = Connected | Subscribed | Disconnected | ConnectFailed | Received | Acked


# mosquitto 2 expires a client on whole seconds, keepalive*3//2 after its last packet, when
# its loop next wakes, which it may put off up to 5 s when nothing else happens.
BROKER_LATE_S = 6


def broker_keepalive(keepalive: int) -> int:
    """The keepalive to ask the broker for, so that it says "offline" within 1.5 x the
    configured one even when it checks late (60 s configured: 56 asked, offline by 90 s)."""
    for asked in range(keepalive, 1, -1):
        if asked * 3 // 2 + BROKER_LATE_S <= 1.5 * keepalive:
            return asked
    return 1


def tls_context(settings: BrokerSettings) -> ssl.SSLContext:
    """Verify the broker against the fleet's CA (and its name); show our own certificate."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(settings.ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(settings.cert), str(settings.key))
    return context


class Link:
    """Keeps one connection up until `stop()`; events go to `on_event` (from its thread)."""

    def __init__(
        self,
        settings: BrokerSettings,
        client_id: str,
        on_event: Callable[[LinkEvent], None],
        *,
        will: Will | None = None,
        subscriptions: tuple[str, ...] = (),
        session_expiry_s: int = 14 * 24 * 3600,
    ) -> None:
        self.settings = settings
        self.client_id = client_id
        self._on_event = on_event
        self._will = will
        self._subscriptions = subscriptions
        self._session_expiry_s = session_expiry_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._client: mqtt.Client | None = None
        self._connected = False
        self._last_error = ""
        self._refused = False
        self._thread: threading.Thread | None = None

    @property
    def connected(self) -> bool:
        with self._lock:
            return self._connected

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"mqtt-{self.client_id}")
        self._thread.daemon = True
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End cleanly: a DISCONNECT, so the broker drops the will (the caller first
        publishes its own "offline" when it wants one)."""
        with self._lock:
            client = self._client
        if client is not None:
            client.disconnect()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> int | None:
        """Hand a message to paho; its mid (for `Acked`), or None when not connected."""
        with self._lock:
            client = self._client if self._connected else None
        if client is None:
            return None
        info = client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return None
        return int(info.mid)

    # --- the connection thread --------------------------------------------------------------

    def _run(self) -> None:
        delay = self.settings.reconnect_min_s
        while not self._stop.is_set():
            if self._session():
                delay = self.settings.reconnect_min_s
            if self._stop.wait(delay):
                break
            delay = min(delay * 2, self.settings.reconnect_max_s)

    def _session(self) -> bool:
        """One connection, from the attempt to its end. True if the broker accepted it.

        paho's own network thread (`loop_start`) carries the connection, so that `publish`
        from other threads is safe (an SSL socket must not be used by two threads at once);
        paho does not reconnect by itself: this thread decides when to try again."""
        client = self._new_client()
        self._last_error = ""
        ended = threading.Event()
        client.on_disconnect = lambda *args: ended.set()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = self._session_expiry_s
        try:
            client.connect(
                self.settings.host,
                self.settings.port,
                keepalive=broker_keepalive(self.settings.keepalive),
                clean_start=False,
                properties=properties,
            )
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            self._emit(ConnectFailed(f"{type(exc).__name__}: {exc}", refused=False))
            return False
        with self._lock:
            self._client = client
        client.loop_start()
        accepted = False
        try:
            while not ended.wait(0.5) and not self._stop.is_set():
                accepted = accepted or self.connected
            accepted = accepted or self.connected
        finally:
            with self._lock:
                was_connected, self._connected, self._client = self._connected, False, None
            if not self._stop.is_set():
                client.disconnect()
            client.loop_stop()
            if was_connected:
                self._emit(Disconnected(self._last_error or "connection closed"))
            elif not self._stop.is_set() and not self._refused:
                # The TLS handshake can fail only once paho reads (a refused client
                # certificate under TLS 1.3): its last error line says why.
                self._emit(ConnectFailed(self._last_error or "connection closed", refused=False))
        return accepted

    def _new_client(self) -> mqtt.Client:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=MQTTProtocolVersion.MQTTv5,
            reconnect_on_failure=False,
        )
        self._refused = False
        client.username_pw_set(self.settings.username, self.settings.password)
        client.tls_set_context(tls_context(self.settings))
        client.connect_timeout = self.settings.connect_timeout_s
        if self._will is not None:
            client.will_set(self._will.topic, self._will.payload, qos=1, retain=self._will.retain)
        client.on_connect = self._connected_cb
        client.on_message = self._message_cb
        client.on_publish = self._published_cb
        client.on_subscribe = self._subscribed_cb
        client.on_log = self._log_cb
        return client

    def _connected_cb(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            self._last_error = f"refused: {reason}"
            self._refused = True
            self._emit(ConnectFailed(f"refused: {reason}", refused=True))
            return
        if self._subscriptions:
            client.subscribe([(t, 1) for t in self._subscriptions])
        with self._lock:
            self._connected = True
        self._emit(Connected(bool(flags.session_present)))

    def _message_cb(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._emit(Received(message.topic, bytes(message.payload), bool(message.retain)))

    def _published_cb(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._emit(Acked(mid, not reason.is_failure, str(reason)))

    def _subscribed_cb(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reasons: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        self._emit(Subscribed(not any(r.is_failure for r in reasons)))

    def _log_cb(self, client: mqtt.Client, userdata: Any, level: int, text: str) -> None:
        # The first error of a connection says why it ended; later ones only that it did.
        if level == mqtt.MQTT_LOG_ERR and not self._last_error:
            self._last_error = text

    def _emit(self, event: LinkEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a bug in a handler must not end the connection thread
            log.exception("MQTT event %s not handled", type(event).__name__)
