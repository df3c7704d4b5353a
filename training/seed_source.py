"""Training triplets from the seed library, produced by the offline synthesis stages (no images).

The synthesis pipeline (``synthesis.pipeline.run``) solves every authored key pose, captions it with the
posecodes captioner, rewrites the captions with the rule-based refiner and adds mirrors and posecode-preserving
variations. Its output directory under ``<run_dir>/seed_synthesis`` is resumable and idempotent, so every
training stage reads the same frozen samples.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from training.config import DataConfig
from training.data import DatasetError, Sample


def synthesis_settings(data: DataConfig, seed: int, output: Path) -> dict:
    """The synthesis config mapping for the offline, image-free seed run."""
    return {
        "output": str(output), "seed": seed, "workers": 0, "batch_size": 32,
        "stages": {
            "prompts": {"backend": "seed_library"},
            "image": {"backend": "none"},
            "pose": {"backend": "seed_spec"},
            "caption": {"backend": "posecodes", "options": {"n": data.captions_per_pose}},
            "refine": {"backend": "rules"},
            "augment": {"backend": "standard", "options": {"mirror": True, "variations": data.variations,
                                                           "noise_deg": data.variation_deg}},
        },
    }


def samples_from_synthesis_output(directory: Path) -> list[Sample]:
    """Samples of a synthesis output directory (poses inline in samples.jsonl)."""
    from synthesis.output import read_samples

    samples = []
    for line_no, record in enumerate(read_samples(directory), start=1):
        pose = record.get("pose") or {}
        try:
            full = np.asarray(list(pose["global_orient"]) + list(pose["body_pose"]), dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"{directory}/samples.jsonl:{line_no}: bad 'pose' ({exc})") from exc
        if full.shape != (72,):
            raise DatasetError(f"{directory}/samples.jsonl:{line_no}: 'pose' must hold 3 + 69 values")
        samples.append(Sample(action=record["action"], category=record["category"],
                              abstract_prompt=record["abstract_prompt"], detailed=record["detailed_refined"],
                              detailed_raw=record["detailed_raw"], split=record["split"],
                              mirrored=bool(record["mirrored"]), pose=full))
    if not samples:
        raise DatasetError(f"{directory}: the synthesis run produced no samples")
    return samples


def seed_library_samples(data: DataConfig, seed: int, run_dir: Path) -> list[Sample]:
    """Run (or resume) the offline synthesis over the seed library into ``run_dir`` and read its samples."""
    from synthesis.config import config_from_dict
    from synthesis.pipeline import run

    output = Path(run_dir) / "seed_synthesis"
    run(config_from_dict(synthesis_settings(data, seed, output), source="training data config"), output=output)
    return samples_from_synthesis_output(output)
