"""A blocking inter-process (and inter-thread) lock around write transactions on one SQLite file.

SQLite lets one writer in at a time; others either poll or sleep in SQLite's busy handler, which backs off to
100 ms sleeps and leaves the database idle between writers. Taking an ``fcntl.flock`` first queues writers
in the kernel, which wakes the next one the moment the lock is released. ``BEGIN IMMEDIATE`` (with polling,
see db.engine) still guards against writers that do not take this lock, such as the sqlite3 shell.
"""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import ContextManager

from sqlalchemy import Engine

try:
    import fcntl
except ImportError:  # not on POSIX: SQLite's own locking alone
    fcntl = None


class FileWriteLock:
    """Exclusive lock on ``<database>.writelock``, held for the duration of a ``with`` block."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        try:
            if self._fd is None or self._pid != os.getpid():  # a forked child must not share the parent's lock
                self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644), os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *exc_info) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def write_lock_for(engine: Engine) -> ContextManager:
    """The write lock for a SQLite file database; a no-op context for other databases."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or fcntl is None or not database or database == ":memory:":
        return contextlib.nullcontext()
    return FileWriteLock(f"{database}.writelock")
