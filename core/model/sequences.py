"""Token sequences of the four tasks and their batching (ids, targets, pose-query positions, masks).

Layout after the P prefix embeddings (the MiniLM vector of the condition text, projected):
  cot:    <cot> prompt <sep> reasoning <eot> <spq> <pq>*K <epq>    text loss on reasoning + <eot>, pose loss
  direct: <direct> prompt <sep> <spq> <pq>*K <epq>                  pose loss only (no reasoning)
  t2p:    <t2p> description <eot> <spq> <pq>*K <epq>                text loss on description, pose loss
  p2t:    <p2t> <spq> <pose_u1> .. <pose_uK> <epq> <sep> description <eot>   text loss
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.model.masks import allowed_attention, to_additive_mask
from core.model.vocab import TokenIds

TASKS = ("cot", "direct", "t2p", "p2t")
IGNORE = -100


@dataclass(frozen=True)
class Example:
    """One training example. ``codes`` are the pose's K tokenizer codes; losses can be switched off per example."""

    task: str
    prompt: str
    text: str
    codes: tuple[int, ...]
    text_loss: bool = True
    pose_loss: bool = True


def encode_prompt(tokenizer, prompt: str) -> list[int]:
    """Token ids of an abstract prompt (lower-cased: case carries no meaning for a pose request)."""
    return tokenizer.encode(prompt.strip().lower(), add_special_tokens=False) if prompt.strip() else []


def encode_text(tokenizer, text: str, max_tokens: int) -> list[int]:
    """Token ids of a description, truncated to ``max_tokens``."""
    return tokenizer.encode(text.strip(), add_special_tokens=False)[:max_tokens]


def build_sequence(example: Example, tokenizer, ids: TokenIds, num_pose_tokens: int, max_text_tokens: int):
    """(token ids, next-token targets, pose-query positions, query block) of one example (prefix excluded)."""
    if example.task not in TASKS:
        raise ValueError(f"unknown task {example.task!r}; expected one of {TASKS}")
    seq: list[int] = []
    targets: list[int] = []
    queries: list[int] = []
    block = None

    def add(tokens: list[int], supervised: bool = False) -> None:
        for token in tokens:
            if supervised and seq:
                targets[-1] = token
            seq.append(token)
            targets.append(IGNORE)

    def add_queries() -> None:
        nonlocal block
        start = len(seq)
        add([ids.spq])
        queries.extend(range(len(seq), len(seq) + num_pose_tokens))
        add([ids.pq] * num_pose_tokens + [ids.epq])
        block = (start, len(seq))

    text_ids = encode_text(tokenizer, example.text, max_text_tokens)
    if example.task in ("cot", "direct"):
        add([ids.cot if example.task == "cot" else ids.direct] + encode_prompt(tokenizer, example.prompt) + [ids.sep])
        if example.task == "cot":
            add(text_ids + [ids.eot], supervised=example.text_loss)
        add_queries()
    elif example.task == "t2p":
        add([ids.t2p])
        add(text_ids + [ids.eot], supervised=example.text_loss)
        add_queries()
    else:
        add([ids.p2t, ids.spq] + [ids.pose_offset + c for c in example.codes] + [ids.epq, ids.sep])
        add(text_ids + [ids.eot], supervised=example.text_loss)
    return seq, targets, queries, block


def collate(examples: list[Example], prefix: torch.Tensor, tokenizer, ids: TokenIds, num_pose_tokens: int,
            prefix_tokens: int, max_text_tokens: int) -> dict[str, torch.Tensor]:
    """Pad a batch. ``prefix`` is the (B, 384) condition-text embedding of each example.

    Positions in the returned tensors count the prefix: ids start at position ``prefix_tokens``.
    """
    built = [build_sequence(e, tokenizer, ids, num_pose_tokens, max_text_tokens) for e in examples]
    width = max(len(seq) for seq, *_ in built)
    total = prefix_tokens + width
    input_ids = torch.full((len(built), width), ids.pad, dtype=torch.long)
    text_targets = torch.full((len(built), total), IGNORE, dtype=torch.long)
    pose_positions = torch.zeros(len(built), num_pose_tokens, dtype=torch.long)
    pose_targets = torch.full((len(built), num_pose_tokens), IGNORE, dtype=torch.long)
    lengths, blocks = [], []
    for b, ((seq, targets, queries, block), example) in enumerate(zip(built, examples)):
        input_ids[b, :len(seq)] = torch.tensor(seq)
        text_targets[b, prefix_tokens:prefix_tokens + len(seq)] = torch.tensor(targets)
        lengths.append(prefix_tokens + len(seq))
        blocks.append(None if block is None else (prefix_tokens + block[0], prefix_tokens + block[1]))
        if queries:
            pose_positions[b] = torch.tensor(queries) + prefix_tokens
            if example.pose_loss:
                pose_targets[b] = torch.tensor(example.codes)
    return {"input_ids": input_ids, "prefix": prefix, "text_targets": text_targets,
            "pose_positions": pose_positions, "pose_targets": pose_targets,
            "attention_mask": to_additive_mask(allowed_attention(lengths, blocks, total))}
