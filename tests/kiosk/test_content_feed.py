"""Live content in the running kiosk: new checked files are taken at the next attract screen;
a broken file never replaces what is serving."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from kiosk.shell.config import BUNDLED_CONTENT, KioskConfig
from kiosk.shell.inbox import Inbox
from kiosk.shell.runtime import Runtime, build_runtime
from kiosk.visit.content_feed import ContentFeed
from kiosk.visit.flow import ChooseSymptom, GoHome, Screen, Start
from tests.kiosk.ui_support import fonts


def setup(tmp_path: Path) -> tuple[KioskConfig, Path]:
    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, content)
    config = replace(KioskConfig(), content_dir=content, data_dir=tmp_path / "data")
    return config, content


def feed_and_kiosk(config: KioskConfig) -> tuple[ContentFeed, Runtime]:
    """The feed and the visit joined as `kiosk.shell.assembly` joins them: through the inbox."""
    inbox = Inbox()
    feed = ContentFeed.open(config, inbox.post)
    rt = build_runtime(config, 0.0, content=feed.initial, fonts=fonts(), inbox=inbox)
    rt.app.card_drawn = feed.drawn
    return feed, rt


NEW_PHRASE = "새로 고친 문장이에요. 잘 보이나요?"


def edit_first_phrase(content: Path) -> None:
    """What a staff member does in a text editor: change the first Korean phrase."""
    path = content / "prescriptions" / "loneliness.toml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if line.startswith("phrase = "))
    lines[i] = f'phrase = "{NEW_PHRASE}"\n'
    path.write_text("".join(lines), encoding="utf-8")


def test_checked_new_content_is_taken_at_attract_and_never_mid_visit(tmp_path: Path) -> None:
    config, content = setup(tmp_path)
    feed, rt = feed_and_kiosk(config)
    assert feed.reload_now().accepted
    rt.app.take_inbox(0.0)
    first = rt.session.content
    symptom = first.symptoms[0].id
    rt.session.handle(Start(), 1.0)
    rt.session.handle(ChooseSymptom(symptom), 2.0)
    edit_first_phrase(content)
    assert feed.reload_now().accepted
    rt.app.take_inbox(3.0)
    assert rt.session.content is first  # the visitor in front of it keeps what they started
    rt.session.handle(GoHome(), 5.0)
    assert rt.session.state.screen is Screen.ATTRACT
    assert rt.session.content is not first
    phrases = [p.phrase.get("ko") for p in rt.session.content.prescriptions]
    assert NEW_PHRASE in phrases
    feed.close()


def test_a_broken_file_leaves_the_old_content_serving(tmp_path: Path) -> None:
    config, content = setup(tmp_path)
    feed, rt = feed_and_kiosk(config)
    assert feed.reload_now().accepted
    rt.app.take_inbox(0.0)
    serving = rt.session.content
    (content / "symptoms.toml").write_text("[[symptom]\nid = broken", encoding="utf-8")
    result = feed.reload_now()
    assert not result.accepted and result.issues
    rt.app.take_inbox(1.0)
    assert rt.session.content is serving
    assert rt.session.state.screen is Screen.ATTRACT  # still serving, not out of service
    feed.close()


def test_a_kiosk_restarting_on_broken_files_starts_on_the_last_good_copy(tmp_path: Path) -> None:
    config, content = setup(tmp_path)
    feed = ContentFeed.open(config)
    assert feed.reload_now().accepted
    assert feed.store.confirm(feed.store.generation)  # a card from it was drawn: last good
    feed.close()
    (content / "symptoms.toml").write_text("not toml at all [", encoding="utf-8")
    again = ContentFeed.open(config)
    assert again.initial_fault is None
    assert len(again.initial.symptoms) >= 16
    again.close()


def test_the_fit_check_measures_the_text_it_is_given() -> None:
    from dataclasses import replace as change

    from kiosk.ui.card import make_fit_check
    from prescriptions.model import Localized
    from tests.kiosk.ui_support import bundled

    content = bundled()
    fits = make_fit_check(content, fonts=fonts())
    rx = content.prescriptions[0]
    assert fits(rx, "ko") is None
    long = change(rx, phrase=Localized.of({"ko": "아주 긴 문장이에요. " * 20}))
    assert fits(long, "ko") is not None


def test_new_content_becomes_the_last_good_copy_only_after_a_card_was_drawn(
    tmp_path: Path,
) -> None:
    import pygame

    from kiosk.visit.content_feed import SNAPSHOT
    from kiosk.visit.flow import SkipMood

    config, _ = setup(tmp_path)
    feed, rt = feed_and_kiosk(config)
    assert feed.reload_now().accepted
    rt.app.take_inbox(0.0)
    feed.turn()
    snapshot = config.data_dir / SNAPSHOT
    assert not snapshot.exists()  # checked, on the attract screen, but no card drawn yet

    surface = pygame.Surface((config.display.width, config.display.height))
    rt.session.handle(Start(), 1.0)
    rt.session.handle(ChooseSymptom(rt.session.content.symptoms[0].id), 2.0)
    rt.session.handle(SkipMood(), 3.0)
    assert rt.session.state.screen is Screen.PRESCRIPTION
    assert rt.app.frame(surface, [], 7.0)
    feed.turn()
    assert (snapshot / "items.toml").exists()
    feed.close()
