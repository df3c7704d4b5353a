"""Engine creation: SQLite gets WAL, foreign keys, a busy timeout and explicit BEGIN handling.

Two engines per SQLite database: a reader (plain ``BEGIN``, busy timeout for the rare WAL lock) and a writer
whose transactions start with ``BEGIN IMMEDIATE``, so the write lock is taken up front. (A deferred transaction
that reads and then writes fails at once with "database is locked" when another process committed in between;
no timeout helps.) The writer waits for the lock by polling with short jittered sleeps instead of SQLite's
busy handler, whose sleeps grow to 100 ms and starve throughput when several processes write.
Other databases get one ordinary pooled engine for both roles.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

BUSY_TIMEOUT_MS = 10_000
_POLL_MIN_S, _POLL_MAX_S = 0.0002, 0.004


def _begin_immediate(connection) -> None:
    """``BEGIN IMMEDIATE``, polling until the write lock is free or the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = _POLL_MIN_S
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) and "busy" not in str(exc.orig) or time.monotonic() > deadline:
                raise
        time.sleep(delay * (0.5 + random.random()))
        delay = min(_POLL_MAX_S, delay * 2)


def _install_sqlite_hooks(engine: Engine, writer: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {0 if writer else BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        if writer:
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN")


def make_engine(url: str, writer: bool = False) -> Engine:
    """A pooled engine for ``url`` (``writer``: the SQLite write engine, see module docstring)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 0 if writer else BUSY_TIMEOUT_MS / 1000})
    _install_sqlite_hooks(engine, writer)
    return engine


def make_engines(url: str) -> tuple[Engine, Engine]:
    """(reader, writer) engines; the same engine twice for databases other than SQLite."""
    reader = make_engine(url)
    if reader.dialect.name != "sqlite":
        return reader, reader
    return reader, make_engine(url, writer=True)
