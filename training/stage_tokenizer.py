"""Stage 1: train the pose VQ-VAE on training-split poses (with augmentation); report held-out MPJPE and perplexity."""
from __future__ import annotations

import json
import math

import torch
from torch.nn import functional as F
from tqdm import tqdm

from core.kinematics import forward_kinematics_full
from core.rotations import axis_angle_to_matrix, sixd_to_matrix
from core.tokenizer import PoseTokenizer, PoseTokenizerConfig
from core.tokenizer.features import TOKENIZED_JOINTS
from core.tokenizer.quantizer import EMAQuantizer
from training.checkpointing import load_trainer_state, save_trainer_state, seed_everything
from training.config import TrainingConfig
from training.data import Sample, poses_of, split_samples
from training.metrics_log import MetricLog
from training.pose_augment import augment_poses


def _joints(rotmats22: torch.Tensor) -> torch.Tensor:
    eye = torch.eye(3).expand(rotmats22.shape[0], 24 - TOKENIZED_JOINTS, 3, 3)
    return forward_kinematics_full(torch.cat([rotmats22, eye], dim=1))[0]


def reconstruction_losses(model: PoseTokenizer, full: torch.Tensor) -> dict[str, torch.Tensor]:
    """Rotation MSE, FK joint error (metres) and commitment loss of a (B, 24, 3) axis-angle batch."""
    target = axis_angle_to_matrix(full[:, :TOKENIZED_JOINTS])
    recon_sixd, indices, commitment = model(target[..., :, :2].transpose(-1, -2).reshape(*target.shape[:2], 6))
    recon = sixd_to_matrix(recon_sixd)
    joint_error = (_joints(recon) - _joints(target)).norm(dim=-1).mean()
    return {"rotation": F.mse_loss(recon, target), "joints": joint_error, "commitment": commitment,
            "indices": indices}


@torch.no_grad()
def evaluate_tokenizer(model: PoseTokenizer, full: torch.Tensor) -> dict[str, float]:
    """Held-out reconstruction MPJPE (mm) through the quantized codes, and code perplexity."""
    was_training = model.training
    model.eval()
    losses = reconstruction_losses(model, full)
    model.train(was_training)
    return {"mpjpe_mm": 1000 * float(losses["joints"]),
            "perplexity": EMAQuantizer.perplexity(losses["indices"], model.codebook_size),
            "codes_used": int(losses["indices"].unique().numel())}


def train_tokenizer(config: TrainingConfig, samples: list[Sample]) -> dict[str, float]:
    """Train (or resume) the VQ-VAE into ``<run_dir>/tokenizer``; returns the final metrics."""
    stage = config.tokenizer
    out_dir = config.run_path / "tokenizer"
    ckpt_dir = out_dir / "checkpoint"
    generator = seed_everything(config.seed)
    train, unseen = split_samples(samples)
    train_full = poses_of(train).full
    heldout_full = poses_of(unseen).full if unseen else train_full[:0]
    model = PoseTokenizer(PoseTokenizerConfig(**stage.model)) if not (ckpt_dir / "config.json").exists() \
        else PoseTokenizer.from_pretrained(ckpt_dir).train()
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=stage.lr, weight_decay=stage.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, stage.steps) / stage.steps)))
    step, _ = load_trainer_state(ckpt_dir, optimizer, scheduler, generator)
    log = MetricLog(out_dir / "metrics.jsonl", "tokenizer")
    progress = tqdm(total=stage.steps, initial=step, desc="tokenizer", unit="step")
    while step < stage.steps:
        batch = train_full[torch.randint(0, len(train_full), (stage.batch_size,), generator=generator)]
        batch = augment_poses(batch, generator, stage.mix_prob, stage.noise_std, stage.yaw_range)
        losses = reconstruction_losses(model, batch)
        loss = (stage.rotation_weight * losses["rotation"] + stage.joint_weight * losses["joints"]
                + model.config.commitment_weight * losses["commitment"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        step += 1
        extra = {"loss_rotation": losses["rotation"].item(), "mpjpe_train_mm": 1000 * losses["joints"].item()}
        if step % stage.eval_every == 0 or step == stage.steps:
            if len(heldout_full):
                extra["mpjpe_heldout_mm"] = evaluate_tokenizer(model, heldout_full)["mpjpe_mm"]
        log.write(step, step * stage.batch_size / len(train_full), float(loss), scheduler.get_last_lr()[0], **extra)
        progress.update(1)
        progress.set_postfix(mpjpe=f"{extra['mpjpe_train_mm']:.1f}mm")
        if step % stage.checkpoint_every == 0 and step < stage.steps:
            model.save_pretrained(ckpt_dir)
            save_trainer_state(ckpt_dir, step, optimizer, scheduler, generator)
    progress.close()
    metrics = {"train_poses": len(train_full), "heldout_poses": len(heldout_full),
               "train": evaluate_tokenizer(model, train_full)}
    if len(heldout_full):
        metrics["heldout"] = evaluate_tokenizer(model, heldout_full)
    model.save_pretrained(out_dir)
    (out_dir / "tokenizer_metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics
