"""Training configuration: one YAML file with a section per stage, read into typed dataclasses."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """The training config file is unreadable or holds unknown or malformed keys."""


def _build(cls, payload: dict | None, where: str):
    payload = payload or {}
    if not isinstance(payload, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(payload).__name__}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(payload) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; known: {sorted(known)}")
    return cls(**payload)


@dataclass
class DataConfig:
    """Where triplets come from: a dataset export directory, else the seed library run through the offline
    synthesis stages (posecode captions, rule refinement, mirrors, posecode-preserving variations)."""

    export: str | None = None
    variations: int = 2
    variation_deg: float = 6.0
    captions_per_pose: int = 3


@dataclass
class TokenizerStage:
    """Pose VQ-VAE sizes and its optimisation."""

    model: dict[str, Any] = field(default_factory=dict)
    steps: int = 6000
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    rotation_weight: float = 1.0
    joint_weight: float = 5.0
    mix_prob: float = 0.5
    noise_std: float = 0.08
    yaw_range: float = 0.5
    eval_every: int = 500
    checkpoint_every: int = 500


@dataclass
class LanguageModelConfig:
    """The reasoning model: Llama sizes (ignored when ``base_model`` names a local HF causal LM directory)."""

    base_model: str | None = None
    vocab_size: int = 2000
    hidden_size: int = 256
    intermediate_size: int = 768
    num_layers: int = 4
    num_heads: int = 4
    max_positions: int = 512
    prefix_tokens: int = 4
    max_text_tokens: int = 160


@dataclass
class LMStage:
    """One language-model stage (pretrain or finetune)."""

    epochs: int = 5
    batch_size: int = 8
    lr: float = 5e-5
    weight_decay: float = 0.01
    warmup_steps: int = 50
    lora_r: int = 64
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    lora_targets: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj",
                                                             "gate_proj", "up_proj", "down_proj"])
    use_lora: bool = True
    reasoning_dropout: float = 0.15
    prompt_dropout: float = 0.25
    paraphrase_prob: float = 0.6
    label_smoothing: float = 0.05
    checkpoint_every: int = 200


@dataclass
class RetrievalStage:
    """The contrastive text-pose retrieval model used for PFD/TFD/MFD."""

    embed_dim: int = 128
    hidden_size: int = 512
    epochs: int = 60
    batch_size: int = 128
    lr: float = 1e-3


@dataclass
class EvaluateStage:
    """Evaluation outputs."""

    report: str = "docs/evaluation.md"
    contact_sheet: str = "docs/evaluation_contact_sheet.png"
    sheet_prompts: int = 12


@dataclass
class TrainingConfig:
    """The whole file. ``run_dir`` receives every stage's output (stage subdirectories)."""

    run_dir: str = "runs/demo"
    seed: int = 0
    threads: int = 1
    data: DataConfig = field(default_factory=DataConfig)
    tokenizer: TokenizerStage = field(default_factory=TokenizerStage)
    model: LanguageModelConfig = field(default_factory=LanguageModelConfig)
    pretrain: LMStage = field(default_factory=lambda: LMStage(use_lora=False, lr=1e-3, epochs=10, batch_size=32))
    finetune: LMStage = field(default_factory=LMStage)
    retrieval: RetrievalStage = field(default_factory=RetrievalStage)
    evaluate: EvaluateStage = field(default_factory=EvaluateStage)

    @property
    def run_path(self) -> Path:
        return Path(self.run_dir)

    def stage_path(self, stage_name: str, mode: str = "cot") -> Path:
        """Output directory of a language-model stage: ``<run>/finetune`` for CoT, ``<run>/finetune-<mode>`` for an
        ablation."""
        return self.run_path / (stage_name if mode == "cot" else f"{stage_name}-{mode}")


_SECTIONS = {"data": DataConfig, "tokenizer": TokenizerStage, "model": LanguageModelConfig, "pretrain": LMStage,
             "finetune": LMStage, "retrieval": RetrievalStage, "evaluate": EvaluateStage}


def load_config(path: str | Path | None) -> TrainingConfig:
    """Read a YAML config; missing sections and keys take the defaults above."""
    if path is None:
        return TrainingConfig()
    path = Path(path)
    try:
        payload = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from exc
    if not isinstance(payload, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    defaults = TrainingConfig()
    top_known = {f.name for f in fields(TrainingConfig)}
    unknown = sorted(set(payload) - top_known)
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {unknown}; known: {sorted(top_known)}")
    kwargs = {}
    for name in top_known:
        if name not in payload:
            continue
        if name in _SECTIONS:
            base = vars(getattr(defaults, name)).copy()
            section = payload[name] or {}
            if not isinstance(section, dict):
                raise ConfigError(f"{path}: section '{name}' must be a mapping")
            base.update(section)
            kwargs[name] = _build(_SECTIONS[name], base, f"{path}: section '{name}'")
        else:
            kwargs[name] = payload[name]
    return TrainingConfig(**kwargs)
