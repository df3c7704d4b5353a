"""Errors raised by the store; every message names the record or field at fault."""


class StoreError(Exception):
    """Base class of all annotation-store errors."""


class NotFoundError(StoreError, LookupError):
    """A sample, annotator, review, export, job or checkpoint id does not exist."""


class InputError(StoreError, ValueError):
    """A value supplied by the caller is invalid (empty or too long text, bad decision, bad file line...)."""


class LeaseError(StoreError):
    """The caller does not hold a live lease on the sample (never claimed, expired, or taken over)."""


class ConflictError(StoreError):
    """The request contradicts the current state (nothing to undo, illegal job transition, duplicate name...)."""


class AuthError(StoreError):
    """Wrong user name or password."""
