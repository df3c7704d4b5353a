"""Output directory and config: content-hash ids, idempotent appends, torn-line recovery, clear config errors."""
import json

import pytest
import torch

from core.pose import Pose
from synthesis.config import ConfigError, config_from_dict, load_config
from synthesis.output import OutputDirectory, read_samples
from synthesis.records import RecordError, Triplet


def triplet(text="The left knee is bent.", png=None, action="kicking a ball"):
    pose = Pose.from_params(torch.zeros(3), torch.full((69,), 0.1))
    return Triplet(category="Sports", action=action, abstract_prompt=f"Generate the pose of {action}",
                   detailed_raw=text, detailed_refined=f"To {action}, the person bends the left knee.",
                   source="seed", split="train", variant="strike", mirrored=False, pose=pose,
                   image_png=png, image_kind=None if png is None else "render",
                   provenance={"caption": {"backend": "posecodes", "config": {"n": 1}, "version": 1}})


def test_ids_are_content_hashes_and_reruns_add_nothing(tmp_path):
    out = OutputDirectory(tmp_path, {"k": 1})
    assert out.write_batch([triplet(), triplet(), triplet("Other.")], ["unit-a"]) == 2
    again = OutputDirectory(tmp_path, {"k": 1})
    assert again.done_units == {"unit-a"}
    assert again.write_batch([triplet(), triplet("Other.")], ["unit-a"]) == 0
    records = read_samples(tmp_path)
    assert len(records) == 2 and len({r["id"] for r in records}) == 2
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest == {"schema_version": 1, "count": 2, "config": {"k": 1}}


def test_images_are_written_before_their_lines_and_shared_images_linked(tmp_path):
    out = OutputDirectory(tmp_path, {})
    out.write_batch([triplet(png=b"\x89PNG-1"), triplet("Second caption.", png=b"\x89PNG-1")], [])
    records = read_samples(tmp_path)
    paths = [tmp_path / r["image"] for r in records]
    assert all(p.read_bytes() == b"\x89PNG-1" for p in paths)
    assert paths[0].stat().st_ino == paths[1].stat().st_ino
    assert records[0]["image_kind"] == "render"


def test_a_torn_last_line_is_cut_on_resume(tmp_path):
    out = OutputDirectory(tmp_path, {})
    out.write_batch([triplet()], ["u1"])
    with open(tmp_path / "samples.jsonl", "a") as handle:
        handle.write('{"id": "abc", "category": "Spo')  # crash in the middle of a write
    resumed = OutputDirectory(tmp_path, {})
    assert resumed.count == 1
    resumed.write_batch([triplet("Another.")], ["u2"])
    assert [r["detailed_raw"] for r in read_samples(tmp_path)] == ["The left knee is bent.", "Another."]


def test_a_corrupt_middle_line_is_named(tmp_path):
    OutputDirectory(tmp_path, {}).write_batch([triplet(), triplet("Two.")], [])
    lines = (tmp_path / "samples.jsonl").read_text().splitlines()
    record = json.loads(lines[0])
    record["detailed_raw"] = "edited by hand"
    (tmp_path / "samples.jsonl").write_text(json.dumps(record) + "\n" + lines[1] + "\n")
    with pytest.raises(RecordError, match=r"samples.jsonl:1: field 'id' is not the content hash"):
        OutputDirectory(tmp_path, {})


def test_offline_config_loads_and_typos_are_errors(tmp_path):
    config = load_config("synthesis/configs/offline.yaml")
    assert config.stages["image"].backend == "render" and config.stages["caption"].options["n"] >= 2
    raw = {"stages": {s: {"backend": "x"} for s in ("prompts", "image", "pose", "caption", "refine", "augment")}}
    with pytest.raises(ConfigError, match="unknown keys \\['worker'\\]"):
        config_from_dict({**raw, "worker": 2})
    with pytest.raises(ConfigError, match="stages missing \\['augment'\\]"):
        config_from_dict({"stages": {k: v for k, v in raw["stages"].items() if k != "augment"}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages: [unclosed")
    with pytest.raises(ConfigError, match="bad.yaml: not valid YAML"):
        load_config(bad)


def test_unknown_backend_and_option_are_named():
    from synthesis.stages import build_stage
    from synthesis.config import StageConfig
    with pytest.raises(ConfigError, match="unknown backend 'dalle'; known: \\['flux_lora', 'none', 'render'\\]"):
        build_stage("image", StageConfig("dalle"))
    with pytest.raises(ConfigError, match="unknown options \\['sise'\\]"):
        build_stage("image", StageConfig("render", {"sise": 3}))
