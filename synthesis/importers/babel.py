"""BABEL action labels (``train.json``/``val.json``): per AMASS sequence, labels with time spans in seconds.

Each record: ``{"babel_sid", "url", "feat_p": "<archive>/<dataset>/.../x_poses.npz", "dur",
"seq_ann": {"labels": [{"raw_label", "proc_label", "act_cat", "seg_id"}, ...]},
"frame_ann": null | {"labels": [{... , "start_t", "end_t"}, ...]}}``. A sequence without frame labels has one
sequence-level label covering its whole duration.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from synthesis.importers.errors import DatasetFormatError
from synthesis.importers.json_files import read_json_object


@dataclass(frozen=True)
class BabelSegment:
    """An action label over [start_t, end_t] seconds of one sequence."""

    proc_label: str
    raw_label: str
    act_cat: tuple[str, ...]
    start_t: float
    end_t: float


def amass_relative_path(feat_p: str) -> str:
    """BABEL's ``feat_p`` without its leading archive folder: the path PoseScript and AMASS use."""
    parts = feat_p.strip("/").split("/")
    return "/".join(parts[1:]) if len(parts) > 1 else feat_p


def _segment(label: object, where: str, whole: tuple[float, float] | None) -> BabelSegment:
    if not isinstance(label, dict):
        raise DatasetFormatError(f"{where}: a label must be an object")
    proc = label.get("proc_label")
    if not isinstance(proc, str) or not proc.strip():
        raise DatasetFormatError(f"{where}: field 'proc_label' must be a non-empty string")
    act_cat = label.get("act_cat") or []
    if not isinstance(act_cat, list) or not all(isinstance(c, str) for c in act_cat):
        raise DatasetFormatError(f"{where}: field 'act_cat' must be a list of strings")
    if whole is None:
        for field in ("start_t", "end_t"):
            if not isinstance(label.get(field), (int, float)) or isinstance(label.get(field), bool):
                raise DatasetFormatError(f"{where}: field '{field}' must be a number of seconds")
        start, end = float(label["start_t"]), float(label["end_t"])
        if end < start:
            raise DatasetFormatError(f"{where}: field 'end_t' ({end}) is before 'start_t' ({start})")
    else:
        start, end = whole
    return BabelSegment(proc.strip(), str(label.get("raw_label") or proc).strip(), tuple(act_cat), start, end)


def load_babel(files: list[str | Path]) -> dict[str, list[BabelSegment]]:
    """AMASS-relative sequence path -> its labelled segments (frame labels, else the sequence label)."""
    sequences: dict[str, list[BabelSegment]] = {}
    for path in files:
        for sid, record in read_json_object(path).items():
            where = f"{path}: record {sid!r}"
            if not isinstance(record, dict):
                raise DatasetFormatError(f"{where}: must be an object")
            feat_p, duration = record.get("feat_p"), record.get("dur")
            if not isinstance(feat_p, str) or not feat_p:
                raise DatasetFormatError(f"{where}: field 'feat_p' must be a path string")
            if not isinstance(duration, (int, float)) or duration <= 0:
                raise DatasetFormatError(f"{where}: field 'dur' must be a positive number of seconds")
            frame_ann, seq_ann = record.get("frame_ann"), record.get("seq_ann")
            if frame_ann is not None:
                labels = frame_ann.get("labels") if isinstance(frame_ann, dict) else None
                field, whole = "frame_ann.labels", None
            else:
                labels = seq_ann.get("labels") if isinstance(seq_ann, dict) else None
                field, whole = "seq_ann.labels", (0.0, float(duration))
            if not isinstance(labels, list):
                raise DatasetFormatError(f"{where}: field '{field}' must be a list")
            segments = [_segment(label, f"{where}: {field}[{i}]", whole) for i, label in enumerate(labels)]
            sequences.setdefault(amass_relative_path(feat_p), []).extend(segments)
    return sequences


def labels_at(segments: list[BabelSegment], seconds: float) -> list[BabelSegment]:
    """Segments whose span contains the time, shortest (most specific) first; "transition" last."""
    hits = [s for s in segments if s.start_t <= seconds <= s.end_t]
    return sorted(hits, key=lambda s: (s.proc_label == "transition", s.end_t - s.start_t))
