"""A contrastive text-pose retrieval model (PoseScript-style), the feature extractor behind PFD, TFD and MFD.

Pose side: 6D rotations of the 22 tokenized joints + their FK positions -> MLP -> unit vector. Text side: the frozen
MiniLM sentence embedding -> MLP -> unit vector. Trained with a symmetric InfoNCE loss on training-split pairs.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from torch.nn import functional as F
from tqdm import tqdm

from core.kinematics import joint_positions
from core.model.text_encoder import TEXT_EMBED_DIM, encode_texts
from core.pose import Pose
from core.tokenizer import pose_to_sixd
from training.checkpointing import seed_everything
from training.config import TrainingConfig
from training.data import Sample, poses_of, split_samples
from training.metrics_log import MetricLog

POSE_FEATURES = 22 * 6 + 24 * 3


@dataclass
class RetrievalConfig:
    embed_dim: int = 128
    hidden_size: int = 512


def _mlp(in_dim: int, hidden: int, out_dim: int) -> nn.Module:
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.LayerNorm(hidden), nn.Linear(hidden, hidden),
                         nn.GELU(), nn.Linear(hidden, out_dim))


def pose_features(pose: Pose) -> torch.Tensor:
    """(B, 204) input features: 6D joint rotations and pelvis-centred joint positions (no translation)."""
    joints = joint_positions(pose.with_transl(None))
    joints = joints - joints[:, :1]
    return torch.cat([pose_to_sixd(pose).reshape(pose.batch_size, -1), joints.reshape(pose.batch_size, -1)], dim=1)


class TextPoseRetrieval(nn.Module):
    """Two encoders into one unit-sphere embedding space."""

    def __init__(self, config: RetrievalConfig) -> None:
        super().__init__()
        self.config = config
        self.pose_encoder = _mlp(POSE_FEATURES, config.hidden_size, config.embed_dim)
        self.text_encoder = _mlp(TEXT_EMBED_DIM, config.hidden_size, config.embed_dim)
        self.log_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def embed_poses(self, pose: Pose) -> torch.Tensor:
        return F.normalize(self.pose_encoder(pose_features(pose)), dim=-1)

    def embed_sentence_vectors(self, vectors: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.text_encoder(vectors), dim=-1)

    @torch.no_grad()
    def embed_texts(self, texts: list[str]) -> torch.Tensor:
        return self.embed_sentence_vectors(encode_texts(texts))

    def save_pretrained(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "config.json").write_text(json.dumps(asdict(self.config), indent=2) + "\n")
        save_file({k: v.contiguous() for k, v in self.state_dict().items()}, str(directory / "model.safetensors"))

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> "TextPoseRetrieval":
        directory = Path(directory)
        if not (directory / "model.safetensors").is_file():
            raise FileNotFoundError(f"{directory}: no model.safetensors; not a retrieval model directory")
        model = cls(RetrievalConfig(**json.loads((directory / "config.json").read_text())))
        model.load_state_dict(load_file(str(directory / "model.safetensors")))
        return model.eval()


def recall_at_k(query: torch.Tensor, keys: torch.Tensor, ks=(1, 5, 10)) -> dict[str, float]:
    """Share of queries whose own key (same row) ranks in the top k by cosine similarity."""
    ranks = (query @ keys.T).argsort(dim=1, descending=True)
    hits = ranks == torch.arange(len(query)).unsqueeze(1)
    return {f"R@{k}": float(hits[:, :k].any(1).float().mean()) for k in ks}


@torch.no_grad()
def retrieval_recalls(model: TextPoseRetrieval, samples: list[Sample]) -> dict[str, float]:
    """Text->pose and pose->text R@1/5/10 over the given samples (one per distinct description)."""
    model.eval()
    samples = list({s.detailed: s for s in samples}.values())
    poses = model.embed_poses(poses_of(samples))
    texts = model.embed_texts([s.detailed for s in samples])
    out = {f"text2pose_{k}": v for k, v in recall_at_k(texts, poses).items()}
    out.update({f"pose2text_{k}": v for k, v in recall_at_k(poses, texts).items()})
    out["pool"] = len(samples)
    return out


def train_retrieval(config: TrainingConfig, samples: list[Sample]) -> dict:
    """Train into ``<run_dir>/retrieval``; report R@K on held-out unseen-action samples (one per pose)."""
    stage = config.retrieval
    generator = seed_everything(config.seed)
    train, unseen = split_samples(samples)
    model = TextPoseRetrieval(RetrievalConfig(stage.embed_dim, stage.hidden_size))
    features = pose_features(poses_of(train))
    texts = sorted({t for s in train for t in (s.detailed, s.detailed_raw)})
    vectors = encode_texts(texts)
    text_index = {t: i for i, t in enumerate(texts)}
    pairs = [(text_index[s.detailed], text_index[s.detailed_raw]) for s in train]
    optimizer = torch.optim.AdamW(model.parameters(), lr=stage.lr, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(train) / stage.batch_size)
    log = MetricLog(config.run_path / "retrieval" / "metrics.jsonl", "retrieval")
    rng = random.Random(config.seed)
    step = 0
    for epoch in tqdm(range(stage.epochs), desc="retrieval", unit="epoch"):
        order = torch.randperm(len(train), generator=generator)
        for start in range(0, len(train), stage.batch_size):
            idx = order[start:start + stage.batch_size]
            if len(idx) < 2:
                continue
            text_rows = torch.tensor([rng.choice(pairs[i]) for i in idx.tolist()])
            pose_emb = F.normalize(model.pose_encoder(features[idx]), dim=-1)
            text_emb = model.embed_sentence_vectors(vectors[text_rows])
            logits = model.log_scale.exp().clamp(max=100) * text_emb @ pose_emb.T
            # Samples of the same action (mirrors, variations) are not negatives of each other's texts.
            same = text_rows.unsqueeze(1) == text_rows.unsqueeze(0)
            logits = logits.masked_fill(same & ~torch.eye(len(idx), dtype=torch.bool), float("-inf"))
            target = torch.arange(len(idx))
            loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            log.write(step, step / steps_per_epoch, loss.item(), stage.lr)
    out_dir = config.run_path / "retrieval"
    model.save_pretrained(out_dir)
    heldout = [s for s in unseen if not s.mirrored] or unseen
    metrics = {"train_pairs": len(train), "heldout": retrieval_recalls(model, heldout) if heldout else {},
               "train_sample": retrieval_recalls(model, train[:len(heldout) or 100])}
    (out_dir / "retrieval_metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics
