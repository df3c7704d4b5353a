"""Reading dataset JSON files with errors that name the file."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synthesis.importers.errors import DatasetFormatError


def read_json_object(path: str | Path) -> dict[str, Any]:
    """Parse a JSON file whose top level must be an object."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DatasetFormatError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise DatasetFormatError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise DatasetFormatError(f"{path}: the top level must be a JSON object, got {type(data).__name__}")
    return data
