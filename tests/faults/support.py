"""Running `python main.py ...` as someone else would: in a forked child that takes another
uid and gid, so the kernel's own permission checks apply (no mocks), with its own standard
streams and environment. A traceback in the child ends up in its stderr, where a test sees it."""

from __future__ import annotations

import functools
import importlib
import io
import multiprocessing
import os
import pkgutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import hardware
import kiosk
import prescriptions
from kiosk.cli import main

NOBODY = 65534  # the kiosk's user in these tests: not root, not the owner of root's files
CHILD_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str

    @property
    def said(self) -> str:
        return self.out + self.err


def _child(
    job: Callable[[], int],
    uid: int | None,
    stdin: str,
    env: Mapping[str, str],
    out: str,
    err: str,
) -> None:
    status = 70
    with open(out, "w", encoding="utf-8") as o, open(err, "w", encoding="utf-8") as e:
        sys.stdout, sys.stderr, sys.stdin = o, e, io.StringIO(stdin)
        try:
            os.environ.update(env)
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            status = job()
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc(file=e)
        o.flush()
        e.flush()
    os._exit(status)


def cli_as(
    argv: list[str],
    *,
    uid: int | None = None,
    stdin: str = "",
    env: Mapping[str, str] | None = None,
) -> Ran:
    """`main.py ARGV` in a child process, as `uid` (None: as this process)."""
    return run_as(lambda: main(argv), uid=uid, stdin=stdin, env=env)


def run_as(
    job: Callable[[], int],
    *,
    uid: int | None = None,
    stdin: str = "",
    env: Mapping[str, str] | None = None,
) -> Ran:
    """`job()` in a forked child, as `uid`; its exit status, what it printed, any traceback."""
    if uid is not None:
        if os.geteuid() != 0:
            pytest.skip("taking another user's uid needs root")
        import_everything()
    with tempfile.TemporaryDirectory() as tmp:
        out, err = os.path.join(tmp, "out"), os.path.join(tmp, "err")
        os.chmod(tmp, 0o777)  # the child, as another user, writes its streams here
        for name in (out, err):
            Path(name).touch()
            os.chmod(name, 0o666)
        ctx = multiprocessing.get_context("fork")
        child = ctx.Process(target=_child, args=(job, uid, stdin, dict(env or {}), out, err))
        child.start()
        child.join(CHILD_TIMEOUT_S)
        if child.is_alive():
            child.kill()
            child.join()
            raise AssertionError(f"the child did not end in {CHILD_TIMEOUT_S} s")
        return Ran(
            child.exitcode if child.exitcode is not None else -1,
            Path(out).read_text(encoding="utf-8"),
            Path(err).read_text(encoding="utf-8"),
        )


@functools.cache
def import_everything() -> None:
    """Import every module the commands may import, before a child drops to another user:
    that user may not be able to read this Python's own files (a pyenv under /root). The
    kiosk's user on a Pi reads a system Python; this is about the test machine only."""
    for package in (kiosk, hardware, prescriptions):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(info.name)
