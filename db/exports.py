"""Versioned dataset exports of approved samples (format: db.dataset)."""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from db.errors import InputError, NotFoundError
from db.models import DatasetExport, ImportBatch, Sample, utcnow
from db.queue import QueueFilter

if TYPE_CHECKING:
    from db.store import Store

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_RECORD_KEYS = ("category", "action", "abstract_prompt", "detailed_raw", "detailed_refined", "flags", "source",
                "split", "variant", "mirrored", "image_kind", "provenance")


@dataclass(frozen=True)
class ExportInfo:
    id: int
    name: str
    version: int
    path: str
    sha256: str
    count: int
    source_filter: dict[str, Any]
    frozen: bool
    created_at: datetime


def _info(row: DatasetExport) -> ExportInfo:
    return ExportInfo(row.id, row.name, row.version, row.path, row.sha256, row.count, row.source_filter, row.frozen,
                      row.created_at)


def _copy_image(source: Path, target_dir: Path) -> str | None:
    """Hard-link (or copy) an image into the export; None when the source file is gone."""
    if not source.is_file():
        return None
    target = target_dir / "images" / source.name
    target.parent.mkdir(exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return f"images/{source.name}"


def _write_dataset(rows: list[tuple[Sample, str]], directory: Path, manifest: dict[str, Any],
                   progress: bool) -> tuple[str, dict[str, Any]]:
    """Write samples.jsonl, poses.npz, images and manifest.json; returns (sha256, manifest)."""
    from core.pose import Pose  # torch: imported only when exporting, so `import db` stays light
    from core.pose_io import save_npz
    from db.dataset import SCHEMA_VERSION, content_sha256

    directory.mkdir(parents=True)
    lines, missing_images = [], 0
    for index, (sample, batch_path) in enumerate(tqdm(rows, desc="export", unit=" samples", disable=not progress)):
        image = _copy_image(Path(batch_path) / sample.image, directory) if sample.image else None
        missing_images += bool(sample.image) and image is None
        record = {key: getattr(sample, key) for key in _RECORD_KEYS}
        record.update(id=sample.content_hash, image=image, detailed=sample.final_text, index=index,
                      image_kind=sample.image_kind if image else None)
        lines.append(json.dumps(record, sort_keys=True, ensure_ascii=False))
    jsonl = ("\n".join(lines) + "\n").encode("utf-8")
    (directory / "samples.jsonl").write_bytes(jsonl)
    poses = Pose.from_params(np.array([s.pose["global_orient"] for s, _ in rows], dtype=np.float64),
                             np.array([s.pose["body_pose"] for s, _ in rows], dtype=np.float64))
    save_npz(directory / "poses.npz", poses)
    sha = content_sha256(jsonl, directory / "poses.npz")
    splits: dict[str, int] = {}
    for sample, _ in rows:
        splits[sample.split] = splits.get(sample.split, 0) + 1
    manifest = {**manifest, "schema_version": SCHEMA_VERSION, "count": len(rows), "sha256": sha, "splits": splits,
                "missing_images": missing_images, "pose_format": "SMPL axis-angle (radians), core.pose_io npz keys"}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return sha, manifest


def _freeze(directory: Path) -> None:
    """Make the dataset files read-only."""
    for path in directory.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


class ExportService:
    """Write approved samples to ``<exports_root>/<name>-v<k>/`` and keep the export registry."""

    def __init__(self, store: "Store") -> None:
        self._store = store

    def export(self, name: str, filters: QueueFilter | None = None, split: str | None = None,
               created_by: int | None = None, progress: bool = False) -> ExportInfo:
        """Export approved samples (optionally filtered) as the next version of ``name``.

        The version is reserved first (an unfrozen row), the files are written to ``<name>-v<k>.partial`` and
        renamed into place, then the row is frozen with count and sha256. On failure both are removed.
        """
        if not _NAME.match(name):
            raise InputError(f"export name {name!r} must be 1-64 characters of letters, digits, '_', '-', '.'")
        filters = filters or QueueFilter()
        source_filter = {"category": filters.category, "source": filters.source, "flagged": filters.flagged,
                         "split": split, "status": "approved"}
        with self._store.read() as session:
            query = (select(Sample, ImportBatch.path).join(ImportBatch)
                     .where(Sample.status == "approved", *filters.clauses()).order_by(Sample.content_hash))
            if split is not None:
                query = query.where(Sample.split == split)
            rows = [(sample, path) for sample, path in session.execute(query)]
        if not rows:
            raise InputError(f"no approved samples match {source_filter}; nothing to export")
        root = self._store.exports_root
        reserved = self._store.write(lambda session: self._reserve(session, name, root, source_filter, created_by))
        final = Path(reserved.path)
        partial = final.with_name(final.name + ".partial")
        try:
            if final.exists() or partial.exists():
                raise InputError(f"{final} already exists on disk but is not in the export registry; move it away")
            manifest = {"name": name, "version": reserved.version, "created_at": reserved.created_at.isoformat(),
                        "source_filter": source_filter}
            sha, manifest = _write_dataset(rows, partial, manifest, progress)
            _freeze(partial)
            partial.rename(final)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            self._store.write(lambda session: session.execute(
                delete(DatasetExport).where(DatasetExport.id == reserved.id)))
            raise

        def finish(session: Session) -> ExportInfo:
            row = session.get(DatasetExport, reserved.id)
            row.sha256, row.count, row.frozen = sha, manifest["count"], True
            return _info(row)

        return self._store.write(finish)

    @staticmethod
    def _reserve(session: Session, name: str, root: Path, source_filter: dict[str, Any],
                 created_by: int | None) -> ExportInfo:
        version = (session.scalar(select(func.max(DatasetExport.version)).where(DatasetExport.name == name)) or 0) + 1
        row = DatasetExport(name=name, version=version, path=str((root / f"{name}-v{version}").resolve()),
                            sha256="", count=0, source_filter=source_filter, frozen=False, created_by=created_by,
                            created_at=utcnow())
        session.add(row)
        session.flush()
        return _info(row)

    def list(self, name: str | None = None) -> list[ExportInfo]:
        """Completed (frozen) exports, newest first."""
        with self._store.read() as session:
            query = select(DatasetExport).where(DatasetExport.frozen.is_(True))
            if name is not None:
                query = query.where(DatasetExport.name == name)
            return [_info(row) for row in session.scalars(query.order_by(DatasetExport.id.desc()))]

    def get(self, export_id: int) -> ExportInfo:
        with self._store.read() as session:
            row = session.get(DatasetExport, export_id)
            if row is None or not row.frozen:
                raise NotFoundError(f"dataset export {export_id} does not exist")
            return _info(row)
