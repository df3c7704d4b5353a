"""Dataset exports: versioned directories of approved samples, reproducible hashes, and training reading them."""
from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from db import InputError, open_store
from db.dataset import SCHEMA_VERSION, DatasetError, read_dataset
from db.models import DatasetExport
from db.queue import QueueFilter
from db.synthetic import write_synthetic_dir
from training.data import load_export

COUNT = 12


def _decision(index: int) -> tuple[str, str | None]:
    """The decision every test run makes on synthetic sample ``index``."""
    if index % 4 == 0:
        return "reject", None
    if index % 4 == 1:
        return "edit_approve", f"Edited description number {index}."
    return "approve", None


def _reviewed_store(root, annotators: int = 1, images: bool = True):
    """A store in ``root`` holding COUNT samples, all decided by ``annotators`` people taking turns."""
    triplets = write_synthetic_dir(root / "synth", COUNT, images=images)
    index_of = {t.to_record()["id"]: i for i, t in enumerate(triplets)}
    store = open_store(f"sqlite:///{root / 'store.db'}", exports_root=root / "exports")
    store.samples.import_dir(root / "synth")
    people = [store.users.create(f"annotator{i}", "correct horse").id for i in range(annotators)]
    turn = 0
    while (claim := store.queue.claim(people[turn % annotators])) is not None:
        store.queue.decide(people[turn % annotators], claim.sample.id, claim.token,
                           *_decision(index_of[claim.sample.content_hash]))
        turn += 1
    return store, triplets


@pytest.fixture
def reviewed(tmp_path):
    store, triplets = _reviewed_store(tmp_path)
    yield store, triplets
    store.close()


def _approved(triplets) -> dict[str, int]:
    return {t.to_record()["id"]: i for i, t in enumerate(triplets) if _decision(i)[0] != "reject"}


def test_export_writes_a_versioned_frozen_dataset_of_the_approved_samples(reviewed, tmp_path):
    store, triplets = reviewed
    approved = _approved(triplets)
    info = store.exports.export("cotpose")
    assert (info.name, info.version, info.count, info.frozen) == ("cotpose", 1, len(approved), True)
    assert info.path == str((tmp_path / "exports" / "cotpose-v1").resolve())
    manifest, records, poses = read_dataset(info.path)
    assert (manifest["schema_version"], manifest["count"], manifest["sha256"]) == (SCHEMA_VERSION, info.count,
                                                                                   info.sha256)
    assert manifest["missing_images"] == 0 and sum(manifest["splits"].values()) == info.count
    assert [r["id"] for r in records] == sorted(approved) and [r["index"] for r in records] == list(range(info.count))
    for record in records:
        index = approved[record["id"]]
        decision, edited = _decision(index)
        source = triplets[index].to_record()
        assert record["detailed"] == (edited if decision == "edit_approve" else source["detailed_refined"])
        assert record["detailed_refined"] == source["detailed_refined"]
        assert np.allclose(poses.full[record["index"]].reshape(-1).numpy(),
                           source["pose"]["global_orient"] + source["pose"]["body_pose"], atol=1e-6)
        assert (tmp_path / "exports" / "cotpose-v1" / record["image"]).is_file()
    files = [p for p in (tmp_path / "exports" / "cotpose-v1").rglob("*") if p.is_file()]
    assert all(not p.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) for p in files)


def test_the_same_approvals_give_the_same_hash(reviewed, tmp_path):
    store, _ = reviewed
    first = store.exports.export("cotpose")
    second = store.exports.export("cotpose")
    assert (second.version, second.sha256) == (2, first.sha256) and second.path != first.path
    assert [e.version for e in store.exports.list("cotpose")] == [2, 1]
    other, _ = _reviewed_store(tmp_path / "other", annotators=3)  # other people, order and times; same verdicts
    try:
        assert other.exports.export("elsewhere").sha256 == first.sha256
    finally:
        other.close()


def test_an_undone_approval_changes_the_export(reviewed):
    store, _ = reviewed
    before = store.exports.export("cotpose")
    undone = store.queue.undo_last(store.users.by_name("annotator0").id)
    assert undone.review.decision != "reject"
    after = store.exports.export("cotpose")
    assert (after.count, after.sha256 != before.sha256) == (before.count - 1, True)


def test_training_reads_the_export(reviewed):
    store, triplets = reviewed
    info = store.exports.export("cotpose")
    samples = load_export(info.path)
    approved = _approved(triplets)
    assert len(samples) == len(approved)
    edited = {_decision(i)[1] for i in approved.values()} - {None}
    assert edited and edited <= {s.detailed for s in samples}
    assert all(s.pose.shape == (72,) and s.split in ("train", "unseen") for s in samples)


def test_filtered_exports_hold_only_matching_samples(reviewed):
    store, triplets = reviewed
    info = store.exports.export("dance", QueueFilter(category="dance"), split="train")
    expected = [i for i in _approved(triplets).values()
                if triplets[i].category == "dance" and triplets[i].split == "train"]
    assert info.count == len(expected) > 0
    assert info.source_filter == {"category": "dance", "source": None, "flagged": None, "split": "train",
                                  "status": "approved"}
    lines = (store.exports_root / "dance-v1" / "samples.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert {(r["category"], r["split"]) for r in records} == {("dance", "train")}


def test_nothing_to_export_or_a_bad_name_leaves_no_trace(reviewed):
    store, _ = reviewed
    with pytest.raises(InputError, match="no approved samples match"):
        store.exports.export("empty", QueueFilter(category="no such category"))
    with pytest.raises(InputError, match="export name"):
        store.exports.export("../escape")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(DatasetExport)) == 0
    assert not store.exports_root.exists() or not any(store.exports_root.iterdir())


def test_a_directory_in_the_way_fails_the_export_and_frees_the_version(reviewed):
    store, _ = reviewed
    (store.exports_root / "cotpose-v1").mkdir(parents=True)
    with pytest.raises(InputError, match="already exists on disk"):
        store.exports.export("cotpose")
    assert store.exports.list() == []
    (store.exports_root / "cotpose-v1").rmdir()
    assert store.exports.export("cotpose").version == 1


def test_a_tampered_export_fails_verification(reviewed):
    store, _ = reviewed
    path = Path(store.exports.export("cotpose").path) / "samples.jsonl"
    path.chmod(0o644)
    path.write_text(path.read_text().replace("Edited", "edited"))
    with pytest.raises(DatasetError, match="does not match the manifest"):
        read_dataset(path.parent)
