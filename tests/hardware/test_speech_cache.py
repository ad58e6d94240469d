"""The phrase cache and the pre-renderer, with the real espeak-ng behind them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardware.speech.cache import Phrasebook, PhraseCache, phrase_key
from hardware.speech.engine import EspeakEngine
from hardware.speech.errors import CacheError, EngineMissing
from hardware.speech.events import PrerenderDone, SpeechFailed, SpeechReady
from hardware.speech.prerender import Prerenderer
from hardware.speech.wav import read_wav
from tests.hardware.speech_kit import CountingEngine, Inbox, tone_wav

MB = 1024 * 1024


def book_in(folder: Path, engine: CountingEngine | None = None, max_bytes: int = MB) -> Phrasebook:
    return Phrasebook(engine or CountingEngine(), PhraseCache(folder, max_bytes))


def test_a_phrase_is_made_once_then_comes_from_the_cache(tmp_path: Path) -> None:
    engine = CountingEngine()
    book = book_in(tmp_path, engine)
    first = book.render("안녕하세요, 마음약방입니다.", "ko", 1.0)
    again = book.render("안녕하세요,  마음약방입니다. ", "ko", 1.0)  # same words, other spacing
    assert (first.from_cache, again.from_cache) == (False, True)
    assert again.wav == first.wav
    assert engine.calls == ["안녕하세요, 마음약방입니다."]
    # A restart keeps it: a new cache on the same folder finds the file.
    assert book_in(tmp_path, engine).render("안녕하세요, 마음약방입니다.", "ko", 1.0).from_cache
    assert len(engine.calls) == 1


def test_speed_language_and_engine_each_make_another_phrase(tmp_path: Path) -> None:
    engine = CountingEngine()
    book = book_in(tmp_path, engine)
    for text, lang, speed in (("Hello", "en", 1.0), ("Hello", "en", 1.25), ("Hello", "ko", 1.0)):
        assert not book.render(text, lang, speed).from_cache
    assert len(engine.calls) == 3
    assert phrase_key("espeak-ng:a", "en", 1.0, "Hello") != phrase_key(
        "piper:b", "en", 1.0, "Hello"
    )


def test_writes_leave_no_temporary_files_and_old_ones_are_swept(tmp_path: Path) -> None:
    (tmp_path / ".abcd-cut-by-a-power-cut.tmp").write_bytes(b"RIFF")
    cache = PhraseCache(tmp_path, MB)
    assert not list(tmp_path.glob("*.tmp"))
    cache.put("k1", tone_wav())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k1.wav"]
    assert read_wav(cache.path_for("k1").read_bytes()).duration_s == pytest.approx(0.3, abs=0.01)


def test_a_damaged_file_is_dropped_and_made_again(tmp_path: Path) -> None:
    engine = CountingEngine()
    book = book_in(tmp_path, engine)
    book.render("Goodbye Loneliness 120", "en", 1.0)
    key = book.key("Goodbye Loneliness 120", "en", 1.0)
    path = book.cache.path_for(key)
    path.write_bytes(path.read_bytes()[:30])  # half a header: a card pulled mid-write
    again = book.render("Goodbye Loneliness 120", "en", 1.0)
    assert not again.from_cache
    assert read_wav(again.wav).rms > 0.02
    assert len(engine.calls) == 2


def test_the_folder_stays_within_its_bound_least_recently_used_first(tmp_path: Path) -> None:
    wav = tone_wav(0.2)
    cache = PhraseCache(tmp_path, max_bytes=2 * len(wav) + 100)
    cache.put("old", wav)
    cache.put("used", wav)
    assert cache.get("old") is not None  # "old" is now the more recently used one
    cache.put("new", wav)
    assert "used" not in cache
    assert sorted(p.stem for p in tmp_path.glob("*.wav")) == ["new", "old"]
    assert cache.total_bytes == 2 * len(wav)


def test_the_use_order_survives_a_restart(tmp_path: Path) -> None:
    wav = tone_wav(0.2)
    first = PhraseCache(tmp_path, MB)
    for key, age in (("a", 300), ("b", 100), ("c", 200)):
        first.put(key, wav)
        stamp = first.path_for(key).stat().st_mtime - age
        os.utime(first.path_for(key), (stamp, stamp))
    reopened = PhraseCache(tmp_path, max_bytes=3 * len(wav) + 100)
    reopened.put("d", wav)
    assert sorted(p.stem for p in tmp_path.glob("*.wav")) == ["b", "c", "d"]


def test_an_unwritable_cache_still_speaks(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the folder should be")
    book = book_in(not_a_folder)
    assert "unusable" in book.cache.broken
    spoken = book.render("Hello", "en", 1.0)
    assert not spoken.from_cache
    assert read_wav(spoken.wav).rms > 0.02
    with pytest.raises(CacheError):
        book.cache.put("k", spoken.wav)


def test_the_prerenderer_fills_the_cache_and_reports_each_phrase(tmp_path: Path) -> None:
    engine = CountingEngine()
    book = book_in(tmp_path, engine)
    inbox = Inbox()
    pre = Prerenderer(book, inbox.emit)
    pre.start()
    try:
        book.render("Hello", "en", 1.0)  # one already there
        phrases = [("지금 도움이 필요해요", "ko"), ("Hello", "en"), ("세 개 중 두 번째", "ko")]
        pre.submit([*phrases, ("지금 도움이 필요해요", "ko"), ("   ", "ko")])
        done = inbox.wait_for(PrerenderDone)
    finally:
        pre.close()
    assert (done.total, done.rendered, done.already_cached, done.failed) == (3, 2, 1, 0)
    assert [(e.text, e.lang) for e in inbox.of(SpeechReady)] == [phrases[0], phrases[2]]
    assert len(engine.calls) == 3
    for text, lang in phrases:
        assert book.render(text, lang, 1.0).from_cache
    assert len(engine.calls) == 3


def test_the_prerenderer_reports_a_bad_phrase_and_goes_on(tmp_path: Path) -> None:
    inbox = Inbox()
    pre = Prerenderer(book_in(tmp_path), inbox.emit)
    pre.start()
    try:
        pre.submit([("Hello", "en"), ("Hello", "no such language!"), ("안녕", "ko")])
        done = inbox.wait_for(PrerenderDone)
    finally:
        pre.close()
    assert (done.rendered, done.failed) == (2, 1)
    [failed] = inbox.of(SpeechFailed)
    assert failed.lang == "no such language!"


def test_a_missing_engine_stops_the_batch_with_one_report(tmp_path: Path) -> None:
    inbox = Inbox()
    engine = CountingEngine(EspeakEngine("/nonexistent/espeak-ng"))
    pre = Prerenderer(book_in(tmp_path, engine), inbox.emit)
    pre.start()
    try:
        pre.submit([(f"phrase {i}", "ko") for i in range(50)])
        done = inbox.wait_for(PrerenderDone)
    finally:
        pre.close()
    assert (done.total, done.rendered, done.failed) == (50, 0, 50)
    [failed] = inbox.of(SpeechFailed)
    assert isinstance(failed.error, EngineMissing)
    assert len(engine.calls) == 1


def test_a_nearly_full_cache_stops_pre_rendering_before_it_pushes_out_the_first_phrases(
    tmp_path: Path,
) -> None:
    """The list comes in the order of need (the screens' words first): when the cache is
    nearly full, the rest waits to be made on first use instead of evicting what came first."""
    book = book_in(tmp_path, max_bytes=300 * 1024)  # room for a few seconds of speech
    inbox = Inbox()
    pre = Prerenderer(book, inbox.emit)
    pre.start()
    phrases = [(f"지금 도움이 필요해요. 문장 {n}번이에요.", "ko") for n in range(1, 21)]
    try:
        pre.submit(phrases)
        done = inbox.wait_for(PrerenderDone)
    finally:
        pre.close()
    assert done.left_out > 0 and done.rendered + done.left_out == len(phrases)
    assert book.cached(*phrases[0], 1.0) is not None  # the first phrase was kept
    assert book.cache.total_bytes <= book.cache.max_bytes
