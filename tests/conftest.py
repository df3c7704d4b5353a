"""Suite-wide settings (offline model loading, headless rendering) and the fresh annotation store fixture."""
import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture
def store(tmp_path):
    """An empty annotation store on a SQLite file of its own (modules may override it)."""
    from db import open_store

    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}", exports_root=tmp_path / "exports")
    yield opened
    opened.close()
