"""Retrying a unit of work when the database reports a transient lock or serialization conflict."""
from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

T = TypeVar("T")

_SQLITE_TRANSIENT = ("database is locked", "database is busy", "database table is locked")
_POSTGRES_TRANSIENT = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a lock/serialization conflict that succeeds when retried."""
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "pgcode", None) in _POSTGRES_TRANSIENT:
        return True
    return isinstance(exc, OperationalError) and any(text in str(exc.orig).lower() for text in _SQLITE_TRANSIENT)


def with_retry(work: Callable[[], T], attempts: int = 12, base_delay: float = 0.01, max_delay: float = 0.5) -> T:
    """Run ``work``; on a transient conflict wait (exponential backoff with jitter) and run it again."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(max_delay, base_delay * 2 ** attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")
