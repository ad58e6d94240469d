"""Published content: the content files for one site, signed by the centre (Ed25519).

    payload = MAGIC (8 bytes) + signature (64 bytes) + body
    body    = zlib(JSON {"format": 1, "site", "publication", "issued", "version",
                         "files": {relative name: text}})

The signature covers MAGIC + body, so it is checked before anything is decompressed or
parsed: bytes that did not come from the centre's key are never unpacked. The bundle names
its site (a bundle for one kiosk cannot be replayed to another) and its publication number
(a kiosk refuses one older than what it already took). The centre keeps the private key
(`fleet-server init` makes it); each kiosk gets the public key with its credentials at
enrolment. The files are exactly what `content check` checked at the centre; the kiosk's
agent checks them again before anything is written.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from prescriptions.atomic import write_atomically
from prescriptions.files import MAX_FOLDER_BYTES
from prescriptions.loader import CONTENT_FILES
from prescriptions.schema import PRESCRIPTIONS_DIR

MAGIC = b"MAEUMCB1"
SIGNATURE_BYTES = 64
FORMAT = 1
# The broker takes packets up to 256 KiB (deploy/mosquitto/maeum-fleet.conf); content
# compresses about fourfold, so this is ~800 KB of content files (the bundled set is 136 KB).
MAX_BUNDLE_BYTES = 200 * 1024
# prescriptions/<name>.toml: no folder, no control character, not hidden.
_PRESCRIPTION_FILE = re.compile(
    rf"^{PRESCRIPTIONS_DIR}/[^/\\\x00-\x1f.][^/\\\x00-\x1f]{{0,80}}\.toml$"
)
_VERSION = re.compile(r"^[\w.:-]{1,64}$")


class BundleError(ValueError):
    """A bundle that must not be used. `code` is a short stable id (reported to the centre),
    `ko` says why in Korean for the dashboard."""

    def __init__(self, code: str, ko: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.ko = ko
        self.en = en


@dataclass(frozen=True)
class Bundle:
    site: str
    publication: int
    issued: str  # UTC ISO-8601, the centre's clock
    version: str  # the content's fingerprint as the kiosk's staff screen shows it
    files: Mapping[str, bytes]


# --- keys ------------------------------------------------------------------------------------


def make_signing_key(private: Path, public: Path) -> None:
    """The centre's content key pair; kept if it exists (kiosks already trust it)."""
    if private.exists():
        return
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomically(private, pem, mode=0o600)
    write_atomically(public, public_pem(key.public_key()), mode=0o644)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key


# --- making and opening ----------------------------------------------------------------------


def valid_name(name: str) -> bool:
    """A content file a bundle may carry: one of the named files, or a prescription file."""
    return name in CONTENT_FILES or bool(_PRESCRIPTION_FILE.match(name))


def make_bundle(key: Ed25519PrivateKey, bundle: Bundle) -> bytes:
    """The signed payload. BundleError when the content cannot travel (too large, a name
    that is not a content file, text that is not UTF-8)."""
    files: dict[str, str] = {}
    for name, data in sorted(bundle.files.items()):
        if not valid_name(name):
            raise BundleError("bad-name", f"내용 파일이 아닙니다: {name}", f"not a file: {name}")
        try:
            files[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BundleError(
                "not-utf8", f"{name}: UTF-8 글이 아닙니다", f"{name}: not UTF-8 text"
            ) from None
    body = {
        "format": FORMAT,
        "site": bundle.site,
        "publication": bundle.publication,
        "issued": bundle.issued,
        "version": bundle.version,
        "files": files,
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    packed = zlib.compress(text.encode("utf-8"), 9)
    payload = MAGIC + key.sign(MAGIC + packed) + packed
    if len(payload) > MAX_BUNDLE_BYTES:
        raise BundleError(
            "too-large",
            f"내용이 너무 큽니다: 압축해서 {len(payload) // 1024} KiB, 한도 "
            f"{MAX_BUNDLE_BYTES // 1024} KiB",
            f"content too large: {len(payload) // 1024} KiB compressed, limit "
            f"{MAX_BUNDLE_BYTES // 1024} KiB",
        )
    return payload


def open_bundle(payload: bytes, key: Ed25519PublicKey, site: str) -> Bundle:
    """The bundle, once its signature, its site and its shape are right; BundleError says
    what is wrong otherwise."""
    head = len(MAGIC) + SIGNATURE_BYTES
    if len(payload) > MAX_BUNDLE_BYTES:
        raise BundleError("too-large", "묶음이 너무 큽니다", "bundle too large")
    if len(payload) <= head or not payload.startswith(MAGIC):
        raise BundleError(
            "unsigned",
            "서명된 내용 묶음이 아닙니다 (센터의 서명이 없습니다)",
            "not a signed content bundle",
        )
    signature, packed = payload[len(MAGIC) : head], payload[head:]
    try:
        key.verify(signature, MAGIC + packed)
    except InvalidSignature:
        raise BundleError(
            "bad-signature",
            "서명이 맞지 않습니다: 센터가 보낸 내용이 아니거나 오는 길에 바뀌었습니다",
            "the signature does not match",
        ) from None
    body = _body(packed)
    if body.get("format") != FORMAT:
        raise BundleError("format", "모르는 묶음 형식입니다", "unknown bundle format")
    if body.get("site") != site:
        raise BundleError(
            "wrong-site",
            f"다른 곳({str(body.get('site'))[:40]})에 보낸 내용입니다",
            f"meant for {str(body.get('site'))[:40]}",
        )
    return _bundle(body)


def _body(packed: bytes) -> dict[str, Any]:
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(packed, 2 * MAX_FOLDER_BYTES)
    except zlib.error:
        raise BundleError("corrupt", "묶음이 깨졌습니다", "corrupt bundle") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise BundleError("too-large", "풀면 너무 큰 묶음입니다", "too large unpacked")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BundleError("corrupt", "묶음을 읽을 수 없습니다", "unreadable bundle") from None
    if not isinstance(body, dict):
        raise BundleError("corrupt", "묶음을 읽을 수 없습니다", "unreadable bundle")
    return body


def _bundle(body: dict[str, Any]) -> Bundle:
    publication, issued, version = body.get("publication"), body.get("issued"), body.get("version")
    files = body.get("files")
    if (
        not isinstance(publication, int)
        or isinstance(publication, bool)
        or publication < 1
        or not isinstance(issued, str)
        or len(issued) > 40
        or not isinstance(version, str)
        or not _VERSION.match(version)
        or not isinstance(files, dict)
        or not all(isinstance(t, str) for t in files.values())
    ):
        raise BundleError("corrupt", "묶음의 내용이 형식에 맞지 않습니다", "malformed bundle")
    bad = [str(n)[:60] for n in files if not valid_name(str(n))]
    if bad:
        raise BundleError(
            "bad-name",
            f"내용 파일이 아닌 이름이 있습니다: {', '.join(bad[:3])}",
            f"names that are not content files: {', '.join(bad[:3])}",
        )
    encoded = {str(n): t.encode("utf-8") for n, t in files.items()}
    return Bundle(str(body["site"]), publication, issued, version, encoded)
