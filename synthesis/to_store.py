"""Import a synthesis output directory into the annotation store (db service layer) as pending samples."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def import_into_store(directory: str | Path, database_url: str | None = None) -> Any:
    """Import ``directory`` through ``db``'s sample service (idempotent); returns its ImportResult."""
    from db.store import open_store

    store = open_store(database_url)
    try:
        return store.samples.import_dir(directory)
    finally:
        store.close()
