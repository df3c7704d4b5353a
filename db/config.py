"""Where the store lives: the data directory and the database URL."""
from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "COTPOSE_DATA_DIR"
DATABASE_URL_ENV = "DATABASE_URL"
DB_FILE_NAME = "cotpose.db"


def data_dir() -> Path:
    """The data directory: ``$COTPOSE_DATA_DIR`` or ``./runtime``."""
    return Path(os.environ.get(DATA_DIR_ENV) or "runtime").resolve()


def exports_dir() -> Path:
    """Default parent directory of dataset exports."""
    return data_dir() / "exports"


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to use: the argument, else ``$DATABASE_URL``, else a SQLite file in the data dir."""
    if url:
        return url
    if os.environ.get(DATABASE_URL_ENV):
        return os.environ[DATABASE_URL_ENV]
    return f"sqlite:///{data_dir() / DB_FILE_NAME}"
