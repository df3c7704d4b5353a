"""Importing synthesis output directories: content-hash idempotence, and malformed input that names the file,
line and field and imports nothing."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db import InputError
from db.models import ImportBatch, Sample
from db.synthetic import write_synthetic_dir

COUNT = 10


def _counts(store) -> tuple[int, int]:
    """(samples, import batches) stored."""
    with store.read() as session:
        return (session.scalar(select(func.count()).select_from(Sample)),
                session.scalar(select(func.count()).select_from(ImportBatch)))


def test_import_stores_each_triplet_as_written(store, tmp_path):
    triplets = write_synthetic_dir(tmp_path / "synth", COUNT, images=True)
    result = store.samples.import_dir(tmp_path / "synth")
    assert (result.lines, result.inserted, result.already_present, result.duplicate_lines) == (COUNT, COUNT, 0, 0)
    for triplet in triplets:
        record = triplet.to_record()
        sample = store.samples.by_hash(record["id"])
        assert (sample.status, sample.action, sample.detailed_refined, sample.flags, sample.mirrored) == (
            "pending", record["action"], record["detailed_refined"], record["flags"], record["mirrored"])
        assert sample.pose == record["pose"] and sample.provenance == record["provenance"]
        assert sample.image == str((tmp_path / "synth" / record["image"]).resolve())
        assert sample.to_pose().batch_size == 1


def test_importing_again_adds_nothing_and_a_grown_directory_adds_only_the_new_samples(store, tmp_path):
    write_synthetic_dir(tmp_path / "synth", COUNT)
    store.samples.import_dir(tmp_path / "synth")
    again = store.samples.import_dir(tmp_path / "synth")
    assert (again.inserted, again.already_present) == (0, COUNT)
    assert _counts(store)[0] == COUNT
    write_synthetic_dir(tmp_path / "synth", COUNT + 5)  # the writer skips the 10 it already holds
    grown = store.samples.import_dir(tmp_path / "synth")
    assert (grown.lines, grown.inserted, grown.already_present) == (COUNT + 5, 5, COUNT)
    write_synthetic_dir(tmp_path / "copy", 3)  # same content from another run directory
    assert store.samples.import_dir(tmp_path / "copy").inserted == 0
    assert _counts(store)[0] == COUNT + 5


def test_a_line_repeated_in_one_file_is_stored_once(store, tmp_path):
    write_synthetic_dir(tmp_path / "synth", COUNT)
    samples, manifest = tmp_path / "synth" / "samples.jsonl", tmp_path / "synth" / "manifest.json"
    samples.write_text(samples.read_text() + samples.read_text().splitlines(keepends=True)[0])
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "count": COUNT + 1}))
    result = store.samples.import_dir(tmp_path / "synth")
    assert (result.lines, result.inserted, result.duplicate_lines) == (COUNT + 1, COUNT, 1)


@pytest.mark.parametrize("corrupt, message", [
    (lambda r: "{not json", "samples.jsonl:3: not valid JSON"),
    (lambda r: [1, 2], "samples.jsonl:3: expected a JSON object, got list"),
    (lambda r: {k: v for k, v in r.items() if k != "action"}, "samples.jsonl:3: field 'action': missing"),
    (lambda r: {**r, "mirrored": "yes"}, "samples.jsonl:3: field 'mirrored': expected bool, got str"),
    (lambda r: {**r, "split": "test"}, "samples.jsonl:3: field 'split': must be one of train, unseen"),
    (lambda r: {**r, "id": "abc"}, "samples.jsonl:3: field 'id': must be a 64-character"),
    (lambda r: {**r, "detailed_refined": " "}, "samples.jsonl:3: field 'detailed_refined': must be non-empty"),
    (lambda r: {**r, "detailed_refined": "x" * 20_000}, "samples.jsonl:3: field 'detailed_refined': .* at most"),
    (lambda r: {**r, "pose": {**r["pose"], "body_pose": r["pose"]["body_pose"][:-1]}},
     "samples.jsonl:3: field 'pose.body_pose': must be a flat list of 69 numbers"),
    (lambda r: {**r, "pose": {**r["pose"], "global_orient": [0.0, float("nan"), 0.0]}},
     "samples.jsonl:3: field 'pose.global_orient': element 1 is nan"),
    (lambda r: {**r, "image": "images/missing.png"},
     "samples.jsonl:3: field 'image': file images/missing.png does not exist"),
    (lambda r: {**r, "detailed_refined": "The knees are straight."},
     "samples.jsonl:3: field 'id': not the content hash of the record"),
])
def test_a_malformed_line_names_file_line_and_field_and_imports_nothing(store, tmp_path, corrupt, message):
    write_synthetic_dir(tmp_path / "good", COUNT, seed=1, start=100)
    store.samples.import_dir(tmp_path / "good")
    write_synthetic_dir(tmp_path / "synth", COUNT, images=True)
    path = tmp_path / "synth" / "samples.jsonl"
    lines = path.read_text().splitlines()
    bad = corrupt(json.loads(lines[2]))
    lines[2] = bad if isinstance(bad, str) else json.dumps(bad)
    path.write_text("\n".join(lines) + "\n")
    before = _counts(store)
    with pytest.raises(InputError, match=rf"1 invalid line\(s\), nothing imported:\n.*{message}"):
        store.samples.import_dir(tmp_path / "synth")
    assert _counts(store) == before


def test_every_bad_line_is_reported(store, tmp_path):
    write_synthetic_dir(tmp_path / "synth", COUNT)
    path = tmp_path / "synth" / "samples.jsonl"
    lines = path.read_text().splitlines()
    lines[0], lines[-1] = "[]", "{}"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=rf"2 invalid line\(s\)[\s\S]*samples.jsonl:1:[\s\S]*samples.jsonl:{COUNT}:"):
        store.samples.import_dir(tmp_path / "synth")
    assert _counts(store) == (0, 0)


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "manifest.json").unlink(), r"manifest.json: missing"),
    (lambda d: (d / "manifest.json").write_text("{"), r"manifest.json: not valid JSON"),
    (lambda d: (d / "manifest.json").write_text('{"schema_version": 2, "count": 10}'),
     r"manifest.json: field 'schema_version' must be 1"),
    (lambda d: (d / "manifest.json").write_text('{"schema_version": 1, "count": 11}'),
     r"manifest.json: field 'count' is 11 but samples.jsonl has 10 lines"),
    (lambda d: (d / "samples.jsonl").unlink(), r"samples.jsonl: missing"),
])
def test_a_broken_directory_names_the_file_and_imports_nothing(store, tmp_path, damage, message):
    write_synthetic_dir(tmp_path / "synth", COUNT)
    damage(tmp_path / "synth")
    with pytest.raises(InputError, match=message):
        store.samples.import_dir(tmp_path / "synth")
    assert _counts(store) == (0, 0)


def test_required_reviews_must_be_positive(store, tmp_path):
    write_synthetic_dir(tmp_path / "synth", COUNT)
    with pytest.raises(InputError, match="required_reviews must be at least 1"):
        store.samples.import_dir(tmp_path / "synth", required_reviews=0)
    assert _counts(store) == (0, 0)
