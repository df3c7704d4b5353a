"""Annotator accounts: creation, lookup, password verification."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import AuthError, ConflictError, InputError, NotFoundError
from db.models import ROLES, Annotator
from db.passwords import hash_password, verify_password

if TYPE_CHECKING:
    from db.store import Store

MIN_PASSWORD_CHARS = 8
MAX_NAME_CHARS = 64


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password")


@dataclass(frozen=True)
class AnnotatorInfo:
    id: int
    name: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _info(row: Annotator) -> AnnotatorInfo:
    return AnnotatorInfo(row.id, row.name, row.role, row.active)


def require_annotator(session: Session, annotator_id: int) -> Annotator:
    """The active annotator with this id, or NotFoundError."""
    row = session.get(Annotator, annotator_id)
    if row is None or not row.active:
        raise NotFoundError(f"annotator {annotator_id} does not exist or is deactivated")
    return row


class UserService:
    """Create annotators/admins and check their passwords."""

    def __init__(self, store: "Store") -> None:
        self._store = store

    def create(self, name: str, password: str, role: str = "annotator") -> AnnotatorInfo:
        """A new account; names are unique, passwords at least 8 characters."""
        name = name.strip()
        if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
            raise InputError(f"user name must be 1-{MAX_NAME_CHARS} printable characters, got {name!r}")
        if role not in ROLES:
            raise InputError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if len(password) < MIN_PASSWORD_CHARS:
            raise InputError(f"password for {name!r} must have at least {MIN_PASSWORD_CHARS} characters")
        password_hash = hash_password(password)

        def work(session: Session) -> AnnotatorInfo:
            if session.scalar(select(Annotator.id).where(Annotator.name == name)) is not None:
                raise ConflictError(f"user {name!r} already exists")
            row = Annotator(name=name, role=role, password_hash=password_hash, active=True)
            session.add(row)
            session.flush()
            return _info(row)

        return self._store.write(work)

    def authenticate(self, name: str, password: str) -> AnnotatorInfo:
        """The account if the password matches; AuthError (same message for unknown name or bad password)."""
        with self._store.read() as session:
            row = session.scalar(select(Annotator).where(Annotator.name == name.strip()))
        if row is None or not row.active:
            verify_password(password, _dummy_hash())  # same work as a real check: no timing hint
            raise AuthError("wrong user name or password")
        if not verify_password(password, row.password_hash):
            raise AuthError("wrong user name or password")
        return _info(row)

    def get(self, annotator_id: int) -> AnnotatorInfo:
        with self._store.read() as session:
            return _info(require_annotator(session, annotator_id))

    def by_name(self, name: str) -> AnnotatorInfo:
        with self._store.read() as session:
            row = session.scalar(select(Annotator).where(Annotator.name == name))
            if row is None:
                raise NotFoundError(f"user {name!r} does not exist")
            return _info(row)

    def list(self) -> list[AnnotatorInfo]:
        with self._store.read() as session:
            return [_info(row) for row in session.scalars(select(Annotator).order_by(Annotator.name))]

    def set_password(self, annotator_id: int, password: str) -> None:
        if len(password) < MIN_PASSWORD_CHARS:
            raise InputError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
        password_hash = hash_password(password)

        def work(session: Session) -> None:
            require_annotator(session, annotator_id).password_hash = password_hash

        self._store.write(work)
