"""The synthesis output directory: append-only, fsync'd per batch, resumable and idempotent.

Layout (the store's ``python -m db import DIR`` reads it)::

    samples.jsonl     one pending triplet per line (see synthesis.records)
    images/<id>.png   the image or render of a sample, when it has one
    manifest.json     {"schema_version": 1, "count": N, "config": {...}}
    done_units.txt    keys of the work units already finished (for resuming; one per line)

Crash safety: images are written (temp file + rename) before the lines that name them; lines are appended and
fsync'd before the unit keys; a torn last line (a crash mid-write) is cut off when the directory is reopened.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from synthesis.records import RecordError, Triplet, validate_record

SCHEMA_VERSION = 1
SAMPLES_FILE = "samples.jsonl"
MANIFEST_FILE = "manifest.json"
DONE_FILE = "done_units.txt"
IMAGES_DIR = "images"


def _fsync_append(path: Path, lines: Iterable[str]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _atomic_write(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:  # a unique temporary name: concurrent writers do not collide
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _cut_torn_tail(path: Path) -> None:
    """Drop an incomplete last line left by a crash in the middle of a write."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)


def read_samples(directory: str | Path) -> list[dict[str, Any]]:
    """All records of an output directory, validated; errors name the file and line."""
    path = Path(directory) / SAMPLES_FILE
    records = []
    if not path.exists():
        return records
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            validate_record(record, f"{path}:{number}")
            records.append(record)
    return records


class OutputDirectory:
    """Writes pending triplets to a directory, skipping ids and work units it already holds."""

    def __init__(self, directory: str | Path, config: dict[str, Any]) -> None:
        self.path = Path(directory)
        self.config = config
        (self.path / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
        samples = self.path / SAMPLES_FILE
        if samples.exists():
            _cut_torn_tail(samples)
        self.ids: set[str] = {record["id"] for record in read_samples(self.path)}
        done = self.path / DONE_FILE
        if done.exists():
            _cut_torn_tail(done)
        self.done_units: set[str] = set(done.read_text().split()) if done.exists() else set()

    @property
    def count(self) -> int:
        return len(self.ids)

    def write_batch(self, triplets: list[Triplet], unit_keys: list[str]) -> int:
        """Append the new triplets (images first), then mark the units done; returns how many were added."""
        records, images, batch_ids = [], {}, set()
        for triplet in triplets:
            record = triplet.to_record()
            if record["id"] in self.ids or record["id"] in batch_ids:
                continue
            records.append(record)
            batch_ids.add(record["id"])
            if triplet.image_png is not None:
                images[record["id"]] = triplet.image_png
        self._write_images(images)
        _fsync_append(self.path / SAMPLES_FILE,
                      (json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records))
        self.ids.update(r["id"] for r in records)
        new_units = [key for key in unit_keys if key not in self.done_units]
        _fsync_append(self.path / DONE_FILE, new_units)
        self.done_units.update(new_units)
        self.write_manifest()
        return len(records)

    def _write_images(self, images: dict[str, bytes]) -> None:
        """Write each PNG once; samples sharing an image (several captions of one pose) get hard links."""
        first_by_digest: dict[str, Path] = {}
        for sample_id, png in images.items():
            target = self.path / IMAGES_DIR / f"{sample_id}.png"
            digest = hashlib.sha256(png).hexdigest()
            source = first_by_digest.get(digest)
            if source is not None:
                try:
                    if target.exists():
                        target.unlink()
                    os.link(source, target)
                    continue
                except OSError:
                    pass  # file systems without hard links: fall through to a copy
            _atomic_write(target, png)
            first_by_digest.setdefault(digest, target)

    def write_manifest(self) -> None:
        """Rewrite manifest.json atomically with the current count and config."""
        manifest = {"schema_version": SCHEMA_VERSION, "count": len(self.ids), "config": self.config}
        _atomic_write(self.path / MANIFEST_FILE, json.dumps(manifest, indent=2, sort_keys=True).encode())
