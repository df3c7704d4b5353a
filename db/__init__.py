"""Annotation store: the system of record for human filtering of synthesized triplets.

Open it with :func:`open_store` (upgrades the schema first); the services hang off the returned
:class:`~db.store.Store`: ``store.users``, ``store.samples``, ``store.queue``, ``store.exports``, ``store.jobs``.
"""
from db.errors import (
    AuthError, ConflictError, InputError, LeaseError, NotFoundError, StoreError,
)
from db.store import Store, open_store

__all__ = [
    "Store", "open_store", "StoreError", "NotFoundError", "InputError", "LeaseError", "ConflictError", "AuthError",
]
