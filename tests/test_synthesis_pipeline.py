"""The synthesis run end to end on real seed poses: renders, captions, refinement, checks, mirrors, variations,
output format, store import, idempotent reruns, resume after a kill, and the LLM backend through a local server."""
import json
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from core.mirror import swap_sides_in_text
from synthesis.action_phrase import purpose_opening
from synthesis.config import config_from_dict
from synthesis.output import read_samples
from synthesis.pipeline import SynthesisError, run
from synthesis.records import pose_from_record

CATEGORY = "daily_activities"


@pytest.fixture(scope="module")
def split_file(tmp_path_factory):
    from synthesis.seed_library import load_library
    labels = [a.label for a in load_library(categories=[CATEGORY]).actions]
    path = tmp_path_factory.mktemp("split") / "split.yaml"
    path.write_text(yaml.safe_dump({"seed": 0, "unseen_per_category": {"Daily Activities": [labels[0]]}}))
    return path


def make_config(split_file, out, image=None, refine=None, workers=0, batch_size=4, variations=1, n=2):
    return config_from_dict({
        "output": str(out), "seed": 0, "workers": workers, "batch_size": batch_size,
        "stages": {
            "prompts": {"backend": "seed_library", "options": {"categories": [CATEGORY],
                                                               "split_file": str(split_file)}},
            "image": image or {"backend": "none"},
            "pose": {"backend": "seed_spec"},
            "caption": {"backend": "posecodes", "options": {"n": n}},
            "refine": refine or {"backend": "rules"},
            "augment": {"backend": "standard", "options": {"mirror": True, "variations": variations}},
        },
    })


@pytest.fixture(scope="module")
def rendered_run(split_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("rendered")
    config = make_config(split_file, out, image={"backend": "render", "options": {"size": 64}})
    return out, run(config, limit=3, progress=False)  # the first action's two key poses, then the next action


def test_offline_run_writes_the_shared_format(rendered_run):
    out, summary = rendered_run
    records = read_samples(out)
    assert summary.items == 3 and summary.added == len(records) == summary.total
    assert json.loads((out / "manifest.json").read_text())["count"] == len(records)
    originals = [r for r in records if not r["mirrored"]]
    assert len(records) == 2 * len(originals)
    # n = 2 captions per pose, the authored pose plus up to one variation that kept its key posecodes
    assert 6 <= len(originals) <= 12
    for record in records:
        assert record["abstract_prompt"] == "Generate the pose of " + record["action"]
        assert record["detailed_refined"].startswith(f"{purpose_opening(record['action'])}, the person")
        assert record["image_kind"] == "render" and (out / record["image"]).is_file()
        assert set(record["provenance"]) == {"prompts", "image", "pose", "caption", "refine", "augment"}
        assert record["split"] in ("train", "unseen") and record["source"] == "seed"
    assert {r["split"] for r in records} == {"train", "unseen"}  # the first action is held out
    assert summary.stage_seconds["image"] > 0 and summary.stage_seconds["caption"] > 0


def test_mirrors_swap_every_text_and_the_pose(rendered_run):
    from core.mirror import mirror_pose
    out, _ = rendered_run
    records = read_samples(out)
    originals = [r for r in records if not r["mirrored"]]
    for original in originals:
        twin = next(r for r in records if r["mirrored"] and r["variant"] == original["variant"]
                    and r["detailed_raw"] == swap_sides_in_text(original["detailed_raw"]))
        assert twin["detailed_refined"] == swap_sides_in_text(original["detailed_refined"])
        expected = mirror_pose(pose_from_record(original))
        assert pose_from_record(twin).full.sub(expected.full).abs().max() < 1e-4
        assert twin["image"] != original["image"]


def test_store_imports_the_output(rendered_run, tmp_path):
    from synthesis.to_store import import_into_store
    out, summary = rendered_run
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert import_into_store(out, url).inserted == summary.total
    assert import_into_store(out, url).inserted == 0


def test_rerun_adds_nothing_and_parallel_gives_the_same_samples(split_file, tmp_path):
    config = make_config(split_file, tmp_path / "a")
    first = run(config, limit=3, progress=False)
    again = run(config, limit=3, progress=False)
    assert again.added == 0 and again.skipped_items == 3 and again.total == first.total
    parallel = run(replace(config, workers=2), limit=3, output=tmp_path / "b", progress=False)
    assert {r["id"] for r in read_samples(tmp_path / "a")} == {r["id"] for r in read_samples(tmp_path / "b")}
    assert parallel.total == first.total


def test_resume_after_the_process_is_killed(split_file, tmp_path):
    config_file = tmp_path / "config.yaml"
    config = make_config(split_file, tmp_path / "out", batch_size=1, variations=0).as_dict()
    config_file.write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "synthesis", "run", "--config", str(config_file), "--limit", "30"]
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    samples = tmp_path / "out" / "samples.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not samples.exists() or samples.read_text().count("\n") < 4):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    interrupted = read_samples(tmp_path / "out")
    assert process.returncode == 130 and "rerun the same command to resume" in stderr
    assert 4 <= len(interrupted) < 30 * 4
    finished = subprocess.run(command, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
                              timeout=300)
    assert finished.returncode == 0, finished.stderr
    records = read_samples(tmp_path / "out")
    assert len(records) == len({r["id"] for r in records})
    assert {r["id"] for r in interrupted} <= {r["id"] for r in records}
    assert len({(r["action"], r["variant"]) for r in records}) == 30


def test_llm_refinement_through_a_local_server_flags_contradictions(split_file, tmp_path, monkeypatch):
    from synthesis_chat_server import ChatServer
    server = ChatServer()
    # a model that swaps left and right: every answer contradicts the pose
    server.respond = lambda action, caption: f"To {action}, the person " + swap_sides_in_text(caption)
    monkeypatch.setenv("COTPOSE_LLM_BASE_URL", server.url)
    monkeypatch.setenv("COTPOSE_LLM_MODEL", "local-test")
    config = make_config(split_file, tmp_path, refine={"backend": "llm", "options": {"max_retries": 0}},
                         variations=0, n=1)
    run(config, limit=2, progress=False)
    records = read_samples(tmp_path)
    assert server.requests and all("Raw description:" in r["body"]["messages"][-1]["content"][0]["text"]
                                   for r in server.requests)
    lateral = [r for r in records if " left " in r["detailed_raw"] or " right " in r["detailed_raw"]]
    assert lateral and all(any(f.startswith("contradiction:") for f in r["flags"]) for r in lateral)
    server.httpd.shutdown()


def test_a_broken_item_is_named(split_file, tmp_path):
    config = make_config(split_file, tmp_path, image={"backend": "flux_lora",
                                                      "options": {"model_path": str(tmp_path / "missing")}})
    with pytest.raises(SynthesisError, match=r"seed/daily_activities/.*FLUX weights not found"):
        run(config, limit=1, progress=False)
    assert read_samples(tmp_path) == []
