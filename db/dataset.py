"""The dataset directory format written by exports and read by training.

``samples.jsonl`` (one record per approved sample: the synthesis keys minus "pose", plus "detailed" = the
approved text and "index" = its row in poses.npz), ``poses.npz`` (core.pose_io AMASS/smplx keys) and
``manifest.json``. The manifest's ``sha256`` covers the content only: the bytes of samples.jsonl, then each
array of poses.npz in key order (name, dtype, shape, bytes). Timestamps (in the manifest and inside the zip
container of the .npz) are left out, so the same approvals always give the same hash.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from core.pose import Pose
from core.pose_io import load_npz

SCHEMA_VERSION = 1


class DatasetError(ValueError):
    """A dataset directory is incomplete or does not match its manifest."""


def content_sha256(samples_jsonl: bytes, npz_path: str | Path) -> str:
    """The dataset hash over samples.jsonl bytes and the arrays of poses.npz (see module docstring)."""
    digest = hashlib.sha256(samples_jsonl)
    with np.load(npz_path, allow_pickle=False) as arrays:
        for key in sorted(arrays.files):
            array = np.ascontiguousarray(arrays[key])
            digest.update(f"\n{key}:{array.dtype.str}:{array.shape}\n".encode())
            digest.update(array.tobytes())
    return digest.hexdigest()


def read_dataset(directory: str | Path, verify: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]], Pose]:
    """(manifest, records, poses) of an exported dataset; ``verify`` checks count and sha256."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
        jsonl = (directory / "samples.jsonl").read_bytes()
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{directory}: not a readable dataset ({exc})") from exc
    records = [json.loads(line) for line in jsonl.decode("utf-8").splitlines()]
    poses = load_npz(directory / "poses.npz")
    if verify:
        if manifest.get("schema_version") != SCHEMA_VERSION:
            raise DatasetError(f"{directory}/manifest.json: schema_version {manifest.get('schema_version')!r}, "
                               f"expected {SCHEMA_VERSION}")
        if not len(records) == poses.batch_size == manifest.get("count"):
            raise DatasetError(f"{directory}: {len(records)} records, {poses.batch_size} poses, manifest count "
                               f"{manifest.get('count')}")
        actual = content_sha256(jsonl, directory / "poses.npz")
        if actual != manifest.get("sha256"):
            raise DatasetError(f"{directory}: content sha256 {actual} does not match the manifest")
    return manifest, records, poses
