"""A tiny end-to-end run of every training stage on a small dataset export, then generation from the result."""
import json

import pytest
import torch

from core.generate import PromptError, load_generator, main as generate_main
from core.pose import Pose
from core.pose_io import save_npz
from training.__main__ import main as training_main
from training.config import ConfigError, load_config
from training.data import DatasetError, load_export

ACTIONS = {  # action -> (joint index, axis-angle) of its key pose, and a description
    "raising the left arm": ((16, (0.0, 0.0, 1.2)), "The left arm is raised high above the shoulder."),
    "raising the right arm": ((17, (0.0, 0.0, -1.2)), "The right arm is raised high above the shoulder."),
    "bending the left knee": ((4, (1.4, 0.0, 0.0)), "The left knee is bent sharply behind the body."),
    "bending the right knee": ((5, (1.4, 0.0, 0.0)), "The right knee is bent sharply behind the body."),
    "leaning forward": ((3, (0.8, 0.0, 0.0)), "The torso leans forward from the hips."),
    "turning the head": ((15, (0.0, 0.9, 0.0)), "The head is turned to the side."),
}
UNSEEN = "turning the head"

TINY_CONFIG = """
run_dir: {run}
seed: 0
threads: 1
tokenizer:
  model: {{num_tokens: 4, codebook_size: 16, code_dim: 8, hidden_size: 32, num_layers: 1}}
  steps: 12
  batch_size: 16
  eval_every: 6
  checkpoint_every: 6
model: {{vocab_size: 300, hidden_size: 32, intermediate_size: 64, num_layers: 1, num_heads: 2, max_text_tokens: 24}}
pretrain: {{use_lora: false, epochs: 1, batch_size: 16, lr: 0.001, warmup_steps: 2, checkpoint_every: 2}}
finetune: {{epochs: 1, batch_size: 8, lr: 0.001, warmup_steps: 2, lora_r: 4, lora_alpha: 8, checkpoint_every: 2}}
retrieval: {{epochs: 2, batch_size: 16, embed_dim: 16, hidden_size: 32}}
evaluate: {{report: {run}/evaluation.md, contact_sheet: {run}/sheet.png}}
"""


def write_export(directory, variations: int = 4) -> None:
    directory.mkdir(parents=True)
    generator = torch.Generator().manual_seed(0)
    rows, poses = [], []
    for action, ((joint, rotation), text) in ACTIONS.items():
        for v in range(variations):
            full = torch.randn(24, 3, generator=generator) * 0.05
            full[joint] += torch.tensor(rotation)
            rows.append({"action": action, "category": "Tests", "abstract_prompt": f"Generate the pose of {action}",
                         "detailed": f"To do this, {text.lower()}", "detailed_raw": text,
                         "split": "unseen" if action == UNSEEN else "train", "mirrored": False, "index": len(rows)})
            poses.append(Pose.from_full(full.unsqueeze(0)))
    (directory / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    save_npz(directory / "poses.npz", Pose.cat(poses))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    write_export(root / "export")
    config = root / "tiny.yaml"
    config.write_text(TINY_CONFIG.format(run=root / "run"))
    args = ["--config", str(config), "--export", str(root / "export")]
    for stage in (["tokenizer"], ["pretrain"], ["finetune"], ["finetune", "--pose-loss-only"], ["retrieval"]):
        assert training_main(stage + args) == 0
    return root, args


def test_every_stage_writes_its_model_and_step_logs(trained):
    root, _ = trained
    run = root / "run"
    for stage in ("tokenizer", "pretrain", "finetune", "finetune-pose-loss-only"):
        lines = [json.loads(line) for line in (run / stage / "metrics.jsonl").read_text().splitlines()]
        assert lines and {"step", "epoch", "loss", "loss_text", "loss_pose", "lr", "time"} <= set(lines[0])
        assert [r["step"] for r in lines] == list(range(1, len(lines) + 1))
    metrics = json.loads((run / "tokenizer" / "tokenizer_metrics.json").read_text())
    assert metrics["heldout_poses"] == 4 and metrics["heldout"]["mpjpe_mm"] > 0
    ft = [json.loads(line) for line in (run / "finetune" / "metrics.jsonl").read_text().splitlines()]
    assert all(r["loss_pose"] > 0 for r in ft)
    pose_only = [json.loads(line) for line in (run / "finetune-pose-loss-only" / "metrics.jsonl").read_text().splitlines()]
    assert all(r["loss_text"] == 0 for r in pose_only), "the pose-loss-only ablation has no reasoning loss"
    assert not (run / "finetune" / "checkpoint").exists(), "finished stages clean up their resume checkpoints"
    assert (run / "finetune" / "model" / "llm" / "model.safetensors").is_file(), "LoRA is merged in the final model"


def test_unseen_actions_never_reach_training(trained):
    root, _ = trained
    summary = json.loads((root / "run" / "finetune" / "summary.json").read_text())
    assert summary["train_samples"] == 20  # 5 seen actions x 4 variations


def test_an_interrupted_stage_resumes_from_its_checkpoint(trained, tmp_path, monkeypatch):
    root, args = trained
    from training.stage_lm import run_lm_stage
    from training.sources import load_samples

    config = load_config(args[1])
    config.run_dir = str(tmp_path / "resumed")
    config.data.export = str(root / "export")
    import shutil
    shutil.copytree(root / "run" / "tokenizer", tmp_path / "resumed" / "tokenizer")
    config.pretrain.epochs = 2
    config.pretrain.batch_size = 2  # an epoch draws one sample per (action, side): 5 steps of 2 items here
    samples = load_samples(config)
    with pytest.raises(KeyboardInterrupt):
        _interrupt_after(config, samples, stop_at=2, monkeypatch=monkeypatch)
    state = torch.load(tmp_path / "resumed" / "pretrain" / "checkpoint" / "trainer_state.pt", weights_only=False)
    assert state["step"] == 2
    summary = run_lm_stage(config, samples, "pretrain")
    log = [json.loads(line) for line in (tmp_path / "resumed" / "pretrain" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == list(range(1, summary["steps"] + 1)), "no step is trained twice"
    assert summary["steps"] > 2


def _interrupt_after(config, samples, stop_at: int, monkeypatch) -> None:
    """Run pretraining but stop it (as Ctrl-C would) right after the checkpoint of step ``stop_at``."""
    import training.stage_lm as stage_lm

    original = stage_lm.save_trainer_state

    def save_then_stop(directory, step, *a, **k):
        original(directory, step, *a, **k)
        if step >= stop_at:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(stage_lm, "save_trainer_state", save_then_stop)
        stage_lm.run_lm_stage(config, samples, "pretrain")


def test_generator_streams_text_then_a_grounded_pose(trained):
    root, _ = trained
    generator = load_generator(root / "run" / "finetune")
    events = list(generator.stream("Generate the pose of raising the left arm", seed=3, temperature=0.8))
    kinds = [k for k, _ in events]
    assert kinds[-1] == "pose" and set(kinds[:-1]) <= {"text"}
    result = events[-1][1]
    assert result.reasoning == "".join(v for k, v in events[:-1]).strip()
    assert result.joints.shape == (24, 3) and result.pose.transl is not None
    assert abs(float(result.joints[:, 1].min())) < 0.12, "the lowest joint rests near the floor"
    assert {"encode_ms", "reasoning_ms", "pose_ms", "total_ms"} <= set(result.timings_ms)
    again = generator.generate("Generate the pose of raising the left arm", seed=3, temperature=0.8)
    assert again.reasoning == result.reasoning and torch.equal(again.pose.body_pose, result.pose.body_pose)
    direct = generator.generate("Generate the pose of raising the left arm", reasoning=False)
    assert direct.reasoning == ""
    with pytest.raises(ValueError, match="samples must be between 1 and 32"):
        generator.generate("Generate the pose of raising the left arm", samples=0)
    with pytest.raises(ValueError, match="shown_weight must be between 0 and 1, got -0.1"):
        generator.generate("Generate the pose of raising the left arm", shown_weight=-0.1)


@pytest.mark.parametrize("prompt, message", [("", "empty"), ("   ", "empty"), ("x" * 501, "501 characters"),
                                             ("1234 !!", "no letters"), (None, "must be text")])
def test_bad_prompts_raise_prompt_error(trained, prompt, message):
    root, _ = trained
    generator = load_generator(root / "run" / "finetune")
    with pytest.raises(PromptError, match=message):
        generator.generate(prompt)


def test_cli_json_and_prompts_file(trained, tmp_path, capsys):
    root, _ = trained
    checkpoint = str(root / "run" / "finetune")
    assert generate_main(["Generate the pose of leaning forward", "--format", "json", "--checkpoint", checkpoint]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == {"prompt", "reasoning", "global_orient", "body_pose", "joints", "timings_ms"}
    assert len(record["global_orient"]) == 3 and len(record["body_pose"]) == 69 and len(record["joints"]) == 24
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("Generate the pose of leaning forward\n\nraising the right arm\n")
    assert generate_main(["--prompts-file", str(prompts), "--checkpoint", checkpoint, "--no-reasoning"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["prompt"] for line in lines] == ["Generate the pose of leaning forward",
                                                              "raising the right arm"]
    assert generate_main(["", "--checkpoint", checkpoint]) == 2
    assert "empty" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        generate_main(["leaning forward", "--checkpoint", checkpoint, "--shown-weight", "2"])
    assert "--shown-weight must be between 0 and 1, got 2.0" in capsys.readouterr().err


def test_evaluation_table_has_every_row(trained):
    root, args = trained
    from training.evaluate import run_evaluation
    from training.sources import load_samples

    config = load_config(args[1])
    config.data.export = str(root / "export")
    result = run_evaluation(config, load_samples(config), render=False)
    rows = result["rows"]
    assert {"Ours (CoT)", "Ours without reasoning (pose loss only)", "Ours (CoT), one greedy reasoning",
            "Ours (CoT), reasonings pooled with equal weights",
            "Nearest-neighbour retrieval (MiniLM)", "Mean pose"} <= set(rows)
    assert all(r["MPJPE_mm"] > 0 and r["PFD"] >= 0 for r in rows.values())
    assert rows["Ours (CoT)"]["TFD"] is not None and rows["Mean pose"]["TFD"] is None
    fit = result["seen_fit"]
    assert fit["actions"] > 0 and 0 <= fit["opening_matches"] <= fit["actions"]
    assert fit["ours"]["MPJPE_mm"] > 0 and fit["mean_pose"]["TFD"] is None
    report = (root / "run" / "evaluation.md").read_text()
    assert "| Ours (CoT) |" in report and "| Mean pose |" in report and "Fit check on" in report


def test_bad_config_and_bad_export_name_the_problem(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("finetune: {lora_rank: 3}\n")
    with pytest.raises(ConfigError, match="lora_rank"):
        load_config(config)
    export = tmp_path / "export"
    write_export(export, variations=1)
    lines = (export / "samples.jsonl").read_text().splitlines()
    record = json.loads(lines[2])
    record["index"] = 99
    lines[2] = json.dumps(record)
    (export / "samples.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=r"samples.jsonl:3: field 'index' = 99"):
        load_export(export)


def test_package_ships_the_named_fine_tuning_run(trained, tmp_path):
    root, args = trained
    output = tmp_path / "ckpt"
    assert training_main(["package", "--pose-loss-only", "--output", str(output)] + args) == 0
    manifest = json.loads((output / "manifest.json").read_text())
    assert manifest["finetune_mode"] == "pose-loss-only"
    assert "python -m training finetune --pose-loss-only" in manifest["commands"]
    assert manifest["total_bytes"] == sum(f["bytes"] for f in manifest["files"].values())
    shipped = load_generator(output).generate("Generate the pose of raising the left arm", reasoning=False)
    source = load_generator(root / "run" / "finetune-pose-loss-only").generate(
        "Generate the pose of raising the left arm", reasoning=False)
    assert torch.allclose(shipped.pose.body_pose, source.pose.body_pose, atol=0.05), "float16 copy of that run"
    with pytest.raises(FileNotFoundError, match="python -m training finetune --unrefined"):
        training_main(["package", "--unrefined", "--output", str(tmp_path / "none")] + args)
