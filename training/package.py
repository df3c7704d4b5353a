"""Assemble a shippable checkpoint: the fine-tuned model (LM weights stored as float16), the retrieval evaluator
and a manifest (data hash, training config, metrics, file hashes)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import torch

from core.model.reasoning import CoTPoseModel
from training.config import TrainingConfig

MAX_TOTAL_BYTES = 30 * 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.is_file() else None


def package_checkpoint(config: TrainingConfig, output: str | Path, mode: str = "cot") -> dict:
    """Write ``output/model`` (the fine-tuning run of ``mode``: "cot" or an ablation such as "unrefined"),
    ``output/retrieval`` and ``output/manifest.json``; returns the manifest."""
    run = config.run_path
    flag = "" if mode == "cot" else f" --{mode}"
    finetune_dir = config.stage_path("finetune", mode)
    source = finetune_dir / "model"
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no fine-tuned model; run `python -m training finetune{flag}` first")
    output = Path(output)
    staging = output.with_name(output.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    model = CoTPoseModel.from_pretrained(source)
    model.llm.to(torch.float16)
    model.prefix_projector.to(torch.float16)
    model.save_pretrained(staging / "model")
    shutil.copytree(run / "retrieval", staging / "retrieval", ignore=shutil.ignore_patterns("metrics.jsonl"))
    files = {str(p.relative_to(staging)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
             for p in sorted(staging.rglob("*")) if p.is_file()}
    total = sum(f["bytes"] for f in files.values())
    if total > MAX_TOTAL_BYTES:
        shutil.rmtree(staging)
        raise ValueError(f"checkpoint would be {total / 2**20:.1f} MiB, over the {MAX_TOTAL_BYTES / 2**20:.0f} MiB limit")
    summary = _json(finetune_dir / "summary.json") or {}
    manifest = {
        "format": "cotpose-checkpoint/v1",
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data_sha256": summary.get("data_sha256"),
        "train_samples": summary.get("train_samples"),
        "training_config": dataclasses.asdict(config),
        "finetune_mode": mode,
        "commands": ["python -m training tokenizer", "python -m training pretrain",
                     f"python -m training finetune{flag}", "python -m training retrieval",
                     "python -m training evaluate", f"python -m training package{flag}"],
        "metrics": {"tokenizer": _json(run / "tokenizer" / "tokenizer_metrics.json"),
                    "retrieval": _json(run / "retrieval" / "retrieval_metrics.json"),
                    "evaluation": (_json(run / "evaluation.json") or {}).get("rows")},
        "total_bytes": total,
        "files": files,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if output.exists():
        shutil.rmtree(output)
    staging.rename(output)
    return {k: manifest[k] for k in ("data_sha256", "train_samples", "total_bytes", "metrics")}
