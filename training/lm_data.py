"""Per-epoch example lists for the language-model stages, and the MiniLM prefix vectors they need."""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch
from tqdm import tqdm

from core.model.sequences import Example
from core.model.text_encoder import TEXT_EMBED_DIM, encode_texts
from core.tokenizer import PoseTokenizer
from training.config import LMStage
from training.data import Sample, poses_of
from training.paraphrase import all_paraphrases, paraphrase

FINETUNE_MODES = ("cot", "text-loss-only", "pose-loss-only", "unrefined")


@dataclass(frozen=True)
class Item:
    """An example plus the text whose sentence embedding is its prefix ("" = no condition, a zero vector)."""

    example: Example
    prefix_text: str


def pose_codes(pose_tokenizer: PoseTokenizer, samples: list[Sample], batch: int = 512) -> list[tuple[int, ...]]:
    """K tokenizer codes of every sample's pose."""
    codes = []
    for start in range(0, len(samples), batch):
        codes.extend(tuple(row) for row in pose_tokenizer.encode(poses_of(samples[start:start + batch])).tolist())
    return codes


def epoch_draw(samples: list[Sample], rng: random.Random) -> list[int]:
    """One random sample index per (action, mirrored) group: an epoch visits every action and side once, each
    time with another of its variants, variations and captions, so epoch length does not grow with them."""
    groups: dict[tuple[str, bool], list[int]] = {}
    for index, sample in enumerate(samples):
        groups.setdefault((sample.action, sample.mirrored), []).append(index)
    return [rng.choice(members) for _, members in sorted(groups.items())]


def pretrain_items(samples: list[Sample], codes: list[tuple[int, ...]], rng: random.Random) -> list[Item]:
    """Detailed text -> pose and pose -> detailed text, over refined and raw descriptions alike."""
    items = []
    for index in epoch_draw(samples, rng):
        sample, code = samples[index], codes[index]
        text = rng.choice((sample.detailed, sample.detailed_raw))
        items.append(Item(Example("t2p", "", text, code), text))
        items.append(Item(Example("p2t", "", rng.choice((sample.detailed, sample.detailed_raw)), code), ""))
    rng.shuffle(items)
    return items


def finetune_items(samples: list[Sample], codes: list[tuple[int, ...]], stage: LMStage, mode: str,
                   rng: random.Random) -> list[Item]:
    """Abstract prompt -> reasoning -> pose examples, with paraphrased prompts, prompt-token dropout (the model
    must then rely on the sentence-embedding prefix) and reasoning dropout (teaches the no-reasoning path)."""
    if mode not in FINETUNE_MODES:
        raise ValueError(f"unknown fine-tuning mode {mode!r}; expected one of {FINETUNE_MODES}")
    items = []
    for index in epoch_draw(samples, rng):
        sample, code = samples[index], codes[index]
        prompt = paraphrase(sample.abstract_prompt, rng) if rng.random() < stage.paraphrase_prob \
            else sample.abstract_prompt
        shown = "" if rng.random() < stage.prompt_dropout else prompt
        text = sample.detailed_raw if mode == "unrefined" else sample.detailed
        if mode == "pose-loss-only":
            example = Example("direct", shown, "", code, text_loss=False)
        elif mode == "text-loss-only":
            example = Example("cot", shown, text, code, pose_loss=False)
        elif rng.random() < stage.reasoning_dropout:
            example = Example("direct", shown, "", code, text_loss=False)
        else:
            example = Example("cot", shown, text, code)
        items.append(Item(example, prompt))
    rng.shuffle(items)
    return items


class PrefixBank:
    """Sentence embeddings of every text a stage may use as a prefix, computed once."""

    def __init__(self, texts: set[str]) -> None:
        ordered = sorted(t for t in texts if t)
        vectors = []
        for start in tqdm(range(0, len(ordered), 256), desc="sentence embeddings", unit="batch"):
            vectors.append(encode_texts(ordered[start:start + 256]))
        self.index = {t: i for i, t in enumerate(ordered)}
        self.vectors = torch.cat(vectors) if vectors else torch.zeros(0, TEXT_EMBED_DIM)

    def __call__(self, texts: list[str]) -> torch.Tensor:
        """(B, 384) embeddings; the empty string maps to zeros."""
        out = torch.zeros(len(texts), TEXT_EMBED_DIM)
        for i, text in enumerate(texts):
            if text:
                out[i] = self.vectors[self.index[text]]
        return out


def prefix_texts(samples: list[Sample], stage_name: str) -> set[str]:
    """All prefix texts a stage can draw for these samples."""
    texts: set[str] = set()
    for s in samples:
        if stage_name == "pretrain":
            texts.update((s.detailed, s.detailed_raw))
        else:
            texts.update(all_paraphrases(s.abstract_prompt))
            texts.add(s.abstract_prompt)
    return texts
