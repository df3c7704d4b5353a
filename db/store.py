"""The Store: engine, transactions with retry, and the services the app and CLI use."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.config import database_url, exports_dir
from db.engine import make_engines
from db.exports import ExportService
from db.jobs import JobService
from db.queue import QueueService
from db.samples import SampleService
from db.users import UserService
from db.writelock import write_lock_for
from db.retry import with_retry

T = TypeVar("T")


class Store:
    """Access to one annotation database.

    Services: ``users`` (accounts, passwords), ``samples`` (import, lookup), ``queue`` (claim/decide/undo,
    progress), ``exports`` (versioned datasets), ``jobs`` (training jobs, checkpoints).
    """

    def __init__(self, engine: Engine, write_engine: Engine | None = None,
                 exports_root: str | Path | None = None) -> None:
        self.engine = engine
        self.write_engine = write_engine or engine
        self._write_lock = write_lock_for(self.write_engine)
        self.exports_root = Path(exports_root) if exports_root else exports_dir()
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)
        self.users = UserService(self)
        self.samples = SampleService(self)
        self.queue = QueueService(self)
        self.exports = ExportService(self)
        self.jobs = JobService(self)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; closed (rolled back) at the end."""
        with self._reader() as session:
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in one write transaction, retried on lock/serialization conflicts.

        ``work`` must be safe to re-run: it is called again from scratch after a rolled-back attempt.
        """
        def attempt() -> T:
            with self._write_lock, self._writer() as session, session.begin():
                return work(session)

        return with_retry(attempt)

    def close(self) -> None:
        """Release all pooled connections."""
        self.engine.dispose()
        self.write_engine.dispose()


def open_store(url: str | None = None, *, upgrade: bool = True, exports_root: str | Path | None = None) -> Store:
    """Open the database at ``url`` (default: ``$DATABASE_URL`` or the data dir), upgrading it to head first."""
    reader, writer = make_engines(database_url(url))
    if upgrade:
        migrate.upgrade(writer)
    return Store(reader, writer, exports_root)
