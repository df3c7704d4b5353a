"""Sign-in per browser session and the server-side role check every protected handler runs first.

The signed-in user lives in a ``gr.State``, which Gradio keeps on the server (a client cannot set it); each
protected handler re-reads the account from the database, so a deactivated or demoted account loses access at
once. Passwords are verified by the store (salted hashes).
"""
from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from db import AuthError, NotFoundError, Store

ROLE_RANK = {"annotator": 1, "admin": 2}


@dataclass(frozen=True)
class SessionUser:
    """Who is signed in in this browser session."""

    id: int
    name: str
    role: str


def sign_in(store: Store, name: str, password: str) -> SessionUser:
    """Check the password; gr.Error with a neutral message when it is wrong."""
    if not (name or "").strip() or not password:
        raise gr.Error("Enter your user name and password.")
    try:
        account = store.users.authenticate(name, password)
    except AuthError as exc:
        raise gr.Error("Wrong user name or password.") from exc
    return SessionUser(account.id, account.name, account.role)


def require(store: Store, user: SessionUser | None, role: str) -> SessionUser:
    """The current account if it holds ``role`` (admins may do what annotators do); gr.Error otherwise."""
    what = "an admin" if role == "admin" else "an annotator"
    if user is None:
        raise gr.Error(f"Sign in as {what} to do this.")
    try:
        account = store.users.get(user.id)
    except NotFoundError as exc:
        raise gr.Error("Your account no longer exists or was deactivated; sign in again.") from exc
    if ROLE_RANK[account.role] < ROLE_RANK[role]:
        raise gr.Error(f"Only {what} can do this; you are signed in as {account.role} {account.name!r}.")
    return SessionUser(account.id, account.name, account.role)


def ensure_first_admin(store: Store, name: str | None, password: str | None) -> str | None:
    """Create the admin ``name`` when the database has no admin yet; returns a message for the log, or None."""
    if any(account.is_admin for account in store.users.list()):
        return None
    if not name or not password:
        return ("no admin account exists: set COTPOSE_ADMIN_USER and COTPOSE_ADMIN_PASSWORD for the first start "
                "or run `python -m db create-user --role admin` (Train tab unavailable until then)")
    store.users.create(name, password, role="admin")
    return f"created the first admin account {name!r} from COTPOSE_ADMIN_USER"
