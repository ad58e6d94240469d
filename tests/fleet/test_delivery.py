"""Published content at a kiosk: only the centre's signed bundle for this site, checked as
`content check` checks, written in one step; anything else is refused and the content that
was there keeps serving."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fleet.bundle import (
    MAGIC,
    Bundle,
    BundleError,
    load_private_key,
    load_public_key,
    make_bundle,
    make_signing_key,
    open_bundle,
)
from fleet.cursor import Cursor
from fleet.delivery import INCOMING, ContentDelivery, install_folder
from fleet.topics import Kind
from prescriptions.files import signature
from prescriptions.live import ContentStore
from prescriptions.loader import read_content, snapshot_of

BUNDLED = Path(__file__).resolve().parents[2] / "prescriptions" / "content"
ISSUED = "2026-03-02T05:00:00+00:00"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    make_signing_key(folder / "centre.key", folder / "centre.pub")
    make_signing_key(folder / "other.key", folder / "other.pub")
    return folder / "centre.key", folder / "centre.pub"


def files(phrase: str | None = None) -> dict[str, bytes]:
    found = dict(snapshot_of(BUNDLED).files)
    if phrase is not None:
        name = next(n for n in sorted(found) if n.startswith("prescriptions/"))
        text = found[name].decode("utf-8")
        start = text.index('phrase = "') + len('phrase = "')
        end = text.index('"', start)
        found[name] = (text[:start] + phrase + text[end:]).encode("utf-8")
    return found


def bundle(key: Path, site: str = "gwanak", number: int = 3, phrase: str | None = None) -> bytes:
    made = Bundle(site, number, ISSUED, "abc12345", files(phrase))
    return make_bundle(load_private_key(key), made)


@pytest.fixture
def kiosk(tmp_path: Path, keys: tuple[Path, Path]) -> ContentDelivery:
    shutil.copytree(BUNDLED, tmp_path / "content")
    return ContentDelivery("gwanak", keys[1], tmp_path / "content")


def test_a_signed_bundle_for_this_site_replaces_the_folder_whole(
    kiosk: ContentDelivery, keys: tuple[Path, Path]
) -> None:
    (kiosk.content_dir / "prescriptions" / "stray.toml").write_text("# left by hand\n")
    store = ContentStore(kiosk.content_dir)
    assert store.start().accepted
    report = kiosk.take(bundle(keys[0], phrase="바람 한 줌 마시기"), taken=0)
    assert (report.accepted, report.publication, report.code) == (True, 3, "accepted")
    assert not (kiosk.content_dir / "prescriptions" / "stray.toml").exists(), "exactly the bundle"
    assert not list(kiosk.content_dir.parent.glob(f"{INCOMING}*")), "nothing left beside it"
    assert store.reload_if_changed() is not None, "the running kiosk sees new files"
    content = store.content
    assert content is not None
    assert "바람 한 줌 마시기" in [p.phrase.get("ko") for p in content.prescriptions]


@pytest.mark.parametrize(
    ("tamper", "code", "says"),
    [
        (lambda p: b"hello, I am content", "unsigned", "서명된 내용 묶음이 아닙니다"),
        (lambda p: p[:-3] + b"xyz", "bad-signature", "서명이 맞지 않습니다"),
        (lambda p: MAGIC + bytes(64) + p[72:], "bad-signature", "서명이 맞지 않습니다"),
    ],
    ids=["unsigned", "tampered", "signature-zeroed"],
)
def test_an_unsigned_or_altered_bundle_is_refused_and_nothing_changes(
    kiosk: ContentDelivery,
    keys: tuple[Path, Path],
    tamper: Callable[[bytes], bytes],
    code: str,
    says: str,
) -> None:
    before = signature(kiosk.content_dir)
    payload = tamper(bundle(keys[0], phrase="바뀐 글"))
    report = kiosk.take(payload, taken=0)
    assert (report.accepted, report.code) == (False, code)
    assert says in report.reason and "지금 내용을 그대로 씁니다" in report.reason
    assert signature(kiosk.content_dir) == before


def test_another_key_another_site_or_an_older_publication_is_refused(
    kiosk: ContentDelivery, keys: tuple[Path, Path]
) -> None:
    other = keys[0].with_name("other.key")
    before = signature(kiosk.content_dir)
    assert kiosk.take(bundle(other), taken=0).code == "bad-signature"
    assert kiosk.take(bundle(keys[0], site="mapo"), taken=0).code == "wrong-site"
    stale = kiosk.take(bundle(keys[0], number=3), taken=5)
    assert (stale.accepted, stale.code) == (False, "stale")
    assert signature(kiosk.content_dir) == before


def test_content_that_fails_the_checks_is_refused_with_its_lines(
    kiosk: ContentDelivery, keys: tuple[Path, Path]
) -> None:
    broken = files()
    broken["hotlines.toml"] = b"[[hotline]]\nid = 'x'\n"  # the help lines gone
    payload = make_bundle(load_private_key(keys[0]), Bundle("gwanak", 4, ISSUED, "v", broken))
    before = signature(kiosk.content_dir)
    report = kiosk.take(payload, taken=0)
    assert (report.accepted, report.code) == (False, "content-check")
    assert report.issues and all("hotlines.toml:" in i for i in report.issues[:1])
    assert signature(kiosk.content_dir) == before
    assert not read_content(kiosk.content_dir).issues


def test_no_key_at_the_kiosk_means_no_content(
    kiosk: ContentDelivery, keys: tuple[Path, Path]
) -> None:
    blind = ContentDelivery("gwanak", kiosk.content_dir / "missing.pub", kiosk.content_dir)
    report = blind.take(bundle(keys[0]), taken=0)
    assert (report.accepted, report.code) == (False, "no-key")
    assert "다시 등록" in report.reason


def test_a_bundle_may_carry_only_content_files(keys: tuple[Path, Path]) -> None:
    key = load_private_key(keys[0])
    for name in ("../etc/passwd", "prescriptions/../../x.toml", "kiosk.toml", ".hidden.toml",
                 "prescriptions/.x.toml", "/abs.toml"):  # fmt: skip
        with pytest.raises(BundleError):
            make_bundle(key, Bundle("gwanak", 1, ISSUED, "v", {name: b"x"}))


def test_the_same_retained_bundle_again_is_handled_once(
    kiosk: ContentDelivery, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    cursor = Cursor(tmp_path / "agent.sqlite3")
    payload = bundle(keys[0], number=7)
    first = kiosk.receive(payload, cursor)
    assert first is not None and first.accepted
    assert kiosk.receive(payload, cursor) is None, "the broker hands it again on reconnect"
    assert cursor.bundle_seen()[1] == 7
    (row,) = [r for r in cursor.pending() if r.kind is Kind.DELIVERY]
    assert row.body["state"] == "accepted" and row.body["publication"] == 7
    older = kiosk.receive(bundle(keys[0], number=6), cursor)
    assert older is not None and older.code == "stale"
    cursor.close()


def test_the_swap_is_one_step_and_a_power_cut_leaves_old_or_new(tmp_path: Path) -> None:
    target = tmp_path / "content"
    install_folder({"categories.toml": b"old"}, target)
    inode = target.stat().st_ino
    (tmp_path / f"{INCOMING}half").mkdir()  # a swap a power cut interrupted
    install_folder({"categories.toml": b"new", "prescriptions/a.toml": b"a"}, target)
    assert (target / "categories.toml").read_bytes() == b"new"
    assert target.stat().st_ino != inode, "a new folder took the name"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o755)
    link = tmp_path / "linked"
    os.symlink(target, link)  # a content folder that is a link: the link is replaced
    install_folder({"categories.toml": b"newer"}, link)
    assert not link.is_symlink() and (link / "categories.toml").read_bytes() == b"newer"
    assert (target / "categories.toml").read_bytes() == b"new", "its target is left alone"


def test_a_forged_body_cannot_ride_on_a_real_signature(keys: tuple[Path, Path]) -> None:
    payload = bundle(keys[0])
    public = keys[1]
    assert open_bundle(payload, load_public_key(public), "gwanak").publication == 3
    forged = payload[: len(MAGIC) + 64] + bundle(keys[0], number=99)[len(MAGIC) + 64 :]
    with pytest.raises(BundleError, match="signature"):
        open_bundle(forged, load_public_key(public), "gwanak")
