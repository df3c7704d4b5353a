"""PoseScript annotations: the pose-id -> (dataset, AMASS sequence path, frame index) map and caption files.

``ids_2_dataset_sequence_and_frame_index*.json``: ``{"<id>": ["AMASS", "<archive>/<...>_poses.npz", <frame>]}``.
Caption files (``posescript_human_*.json``, ``posescript_auto_*.json``): ``{"<id>": "text"}`` or
``{"<id>": ["text", ...]}``. Human captions are listed first when both exist for an id.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from synthesis.importers.errors import DatasetFormatError
from synthesis.importers.json_files import read_json_object


@dataclass(frozen=True)
class PoseScriptEntry:
    """One annotated pose: where it comes from and its captions."""

    pose_id: str
    dataset: str
    sequence_path: str
    frame: int
    captions: tuple[str, ...]


def read_id_map(path: str | Path) -> dict[str, tuple[str, str, int]]:
    """Parse the id -> (dataset, sequence path, frame index) file."""
    raw = read_json_object(path)
    entries = {}
    for pose_id, value in raw.items():
        if not isinstance(value, list) or len(value) != 3:
            raise DatasetFormatError(f"{path}: record {pose_id!r}: expected [dataset, sequence_path, frame_index]")
        dataset, sequence, frame = value
        for field, item, kind in (("dataset", dataset, str), ("sequence_path", sequence, str),
                                  ("frame_index", frame, int)):
            if not isinstance(item, kind) or isinstance(item, bool):
                raise DatasetFormatError(f"{path}: record {pose_id!r}: field '{field}' must be {kind.__name__}, "
                                         f"got {item!r}")
        if frame < 0:
            raise DatasetFormatError(f"{path}: record {pose_id!r}: field 'frame_index' is negative ({frame})")
        entries[pose_id] = (dataset, sequence, frame)
    return entries


def read_captions(path: str | Path) -> dict[str, list[str]]:
    """Parse a caption file into id -> list of captions."""
    raw = read_json_object(path)
    captions = {}
    for pose_id, value in raw.items():
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            raise DatasetFormatError(f"{path}: record {pose_id!r}: captions must be a non-empty string or list "
                                     "of non-empty strings")
        captions[pose_id] = [t.strip() for t in texts]
    return captions


def load_posescript(id_map_file: str | Path, caption_files: list[str | Path]) -> list[PoseScriptEntry]:
    """Entries with at least one caption, ordered by numeric id (human caption files should come first)."""
    id_map = read_id_map(id_map_file)
    captions: dict[str, list[str]] = {}
    for caption_file in caption_files:
        for pose_id, texts in read_captions(caption_file).items():
            if pose_id not in id_map:
                raise DatasetFormatError(f"{caption_file}: record {pose_id!r} is not in {id_map_file}")
            captions.setdefault(pose_id, []).extend(texts)
    ordered = sorted(captions, key=lambda k: (int(k) if k.isdigit() else float("inf"), k))
    return [PoseScriptEntry(k, *id_map[k], tuple(captions[k])) for k in ordered]
