"""Run the dutydocs command and signal it from inside its first write into a folder, half-way through the data.

Usage: python signal_during_write.py SIGNAL FOLDER dutydocs-arguments…

Every file write in Python goes through io.open (open(), Path.write_bytes, os.fdopen), so wrapping it
catches the write whether the code writes the target directly or a temporary file beside it. The
wrapper writes half of the first chunk, flushes it to disk and only then sends the signal: a plain
non-atomic write leaves a half-written target behind.
"""

from __future__ import annotations

import builtins
import io
import os
import signal
import sys
from pathlib import Path

signum = getattr(signal, sys.argv[1])
folder = Path(sys.argv[2]).resolve()
real_open = io.open


class Interrupting:
    """A binary file whose first write stops half-way with the signal."""

    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        half = len(data) // 2
        self._handle.write(data[:half])
        self._handle.flush()
        os.fsync(self._handle.fileno())
        os.kill(os.getpid(), signum)
        return self._handle.write(data[half:])  # reached only when the signal does not end the process

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)


def opened_path(file) -> Path:
    if isinstance(file, int):
        return Path(os.readlink(f"/proc/self/fd/{file}"))
    return Path(os.fspath(file)).resolve()


def open_and_interrupt(file, mode="r", *args, **kwargs):
    handle = real_open(file, mode, *args, **kwargs)
    if ("w" in mode or "x" in mode) and "b" in mode and folder in opened_path(file).parents:
        return Interrupting(handle)
    return handle


io.open = builtins.open = open_and_interrupt

from dutydocs.cli import run  # noqa: E402 - after the hook, like any code the command imports

sys.argv = ["dutydocs", *sys.argv[3:]]
run()
