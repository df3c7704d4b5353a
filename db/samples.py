"""Samples: importing a synthesis output directory, and reading samples back."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from tqdm import tqdm

from db.errors import InputError, NotFoundError
from db.models import ImportBatch, Sample

if TYPE_CHECKING:
    from core.pose import Pose
    from db.store import Store

MANIFEST_SCHEMA_VERSION = 1
MAX_REPORTED_ERRORS = 20
_CHUNK = 500


@dataclass(frozen=True)
class SampleInfo:
    """A sample as the review UI shows it; ``image`` is an absolute path (or None)."""

    id: int
    content_hash: str
    category: str
    action: str
    abstract_prompt: str
    detailed_raw: str
    detailed_refined: str
    flags: list[str]
    source: str
    split: str
    variant: str
    mirrored: bool
    image: str | None
    image_kind: str | None
    pose: dict[str, list[float]]
    provenance: dict[str, Any]
    status: str
    final_text: str | None
    required_reviews: int
    review_count: int

    def to_pose(self) -> "Pose":
        """The pose as a core.pose.Pose batch of one."""
        from core.pose import Pose

        return Pose.from_params(self.pose["global_orient"], self.pose["body_pose"])


def sample_info(row: Any, batch_path: str) -> SampleInfo:
    """A SampleInfo from a Sample row (ORM object or Core row) and its import directory."""
    return SampleInfo(
        row.id, row.content_hash, row.category, row.action, row.abstract_prompt, row.detailed_raw,
        row.detailed_refined, list(row.flags), row.source, row.split, row.variant, row.mirrored,
        str(Path(batch_path) / row.image) if row.image else None, row.image_kind, row.pose, row.provenance,
        row.status, row.final_text, row.required_reviews, row.review_count,
    )


_SAMPLE_AND_DIR = (
    select(Sample.__table__, ImportBatch.__table__.c.path.label("batch_path"))
    .join_from(Sample.__table__, ImportBatch.__table__)
    .where(Sample.__table__.c.id == bindparam("sample_id"))
)


def load_sample(session: Session, sample_id: int) -> SampleInfo:
    """One sample, or NotFoundError (a Core query: this is on the review hot path)."""
    row = session.connection().execute(_SAMPLE_AND_DIR, {"sample_id": sample_id}).first()
    if row is None:
        raise NotFoundError(f"sample {sample_id} does not exist")
    return sample_info(row, row.batch_path)


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    lines: int
    inserted: int
    already_present: int
    duplicate_lines: int


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InputError(f"{path}: missing (a synthesis output directory has manifest.json)") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("schema_version") != MANIFEST_SCHEMA_VERSION:
        raise InputError(f"{path}: field 'schema_version' must be {MANIFEST_SCHEMA_VERSION}")
    if not isinstance(manifest.get("count"), int):
        raise InputError(f"{path}: field 'count' must be an integer")
    return manifest


def _parse_samples(directory: Path, progress: bool) -> tuple[list[dict[str, Any]], int, int]:
    """Validated rows (first occurrence of each id), number of lines, number of duplicate lines."""
    from db.records import RecordError, parse_line  # imports torch (via core): only when importing

    path = directory / "samples.jsonl"
    if not path.is_file():
        raise InputError(f"{path}: missing")
    rows: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    lines = duplicates = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(tqdm(handle, desc="validate", unit=" lines", disable=not progress), 1):
            if not line.strip():
                continue
            lines += 1
            try:
                row = parse_line(line)
                if row["image"] is not None and not (directory / row["image"]).is_file():
                    raise RecordError("image", f"file {row['image']} does not exist in {directory}")
            except RecordError as exc:
                errors.append(f"{path}:{number}: {exc}")
                continue
            if row["content_hash"] in rows:
                duplicates += 1
            else:
                rows[row["content_hash"]] = row
    if errors:
        more = f"\n... and {len(errors) - MAX_REPORTED_ERRORS} more" if len(errors) > MAX_REPORTED_ERRORS else ""
        raise InputError(f"{len(errors)} invalid line(s), nothing imported:\n"
                         + "\n".join(errors[:MAX_REPORTED_ERRORS]) + more)
    return list(rows.values()), lines, duplicates


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class SampleService:
    """Import synthesis output and look samples up."""

    def __init__(self, store: "Store") -> None:
        self._store = store

    def import_dir(self, directory: str | Path, *, required_reviews: int = 1, progress: bool = False) -> ImportResult:
        """Import ``samples.jsonl`` of a synthesis output directory in one transaction.

        Idempotent: samples whose content hash is already stored are left alone. Any invalid line aborts the
        whole import with an error listing file:line: field: problem.
        """
        directory = Path(directory).resolve()
        if required_reviews < 1:
            raise InputError(f"required_reviews must be at least 1, got {required_reviews}")
        manifest = _read_manifest(directory)
        rows, lines, duplicates = _parse_samples(directory, progress)
        if manifest["count"] != lines:
            raise InputError(f"{directory / 'manifest.json'}: field 'count' is {manifest['count']} but "
                             f"samples.jsonl has {lines} lines")

        def work(session: Session) -> ImportResult:
            existing: set[str] = set()
            for chunk in _chunks([row["content_hash"] for row in rows]):
                existing.update(session.scalars(select(Sample.content_hash).where(Sample.content_hash.in_(chunk))))
            new_rows = [row for row in rows if row["content_hash"] not in existing]
            batch = ImportBatch(path=str(directory), manifest=manifest, line_count=lines, inserted=len(new_rows))
            session.add(batch)
            session.flush()
            for chunk in tqdm(list(_chunks(new_rows, 2000)), desc="insert", unit=" chunks", disable=not progress):
                session.execute(insert(Sample), [
                    {**row, "batch_id": batch.id, "required_reviews": required_reviews} for row in chunk
                ])
            return ImportResult(batch.id, lines, len(new_rows), len(existing), duplicates)

        return self._store.write(work)

    def get(self, sample_id: int) -> SampleInfo:
        """One sample by id (NotFoundError if unknown)."""
        with self._store.read() as session:
            return load_sample(session, sample_id)

    def by_hash(self, content_hash: str) -> SampleInfo:
        """One sample by content hash (NotFoundError if unknown)."""
        with self._store.read() as session:
            sample_id = session.scalar(select(Sample.id).where(Sample.content_hash == content_hash))
            if sample_id is None:
                raise NotFoundError(f"no sample with content hash {content_hash}")
            return load_sample(session, sample_id)

    def set_required_reviews(self, required: int, *, category: str | None = None) -> int:
        """Require ``required`` reviews for pending samples (optionally one category); returns rows changed.

        Samples that already have at least ``required`` reviews keep their current requirement.
        """
        if required < 1:
            raise InputError(f"required reviews must be at least 1, got {required}")

        def work(session: Session) -> int:
            query = update(Sample).where(Sample.status == "pending", Sample.review_count < required)
            if category is not None:
                query = query.where(Sample.category == category)
            return session.execute(query.values(required_reviews=required)).rowcount

        return self._store.write(work)
