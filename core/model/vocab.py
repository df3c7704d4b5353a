"""The reasoning model's vocabulary: a byte-level BPE trained on our texts + control tokens + pose-code tokens."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

CONTROL_TOKENS = {
    "pad": "<pad>", "unk": "<unk>",
    "cot": "<cot>",        # task: abstract prompt -> reasoning -> pose
    "direct": "<direct>",  # task: abstract prompt -> pose (no reasoning)
    "t2p": "<t2p>",        # task: detailed description -> pose
    "p2t": "<p2t>",        # task: pose -> detailed description
    "sep": "<sep>",        # end of the prompt / of the pose codes in p2t
    "eot": "<eot>",        # end of the reasoning text
    "spq": "<spq>", "pq": "<pq>", "epq": "<epq>",  # start / query / end of the pose queries
}


def pose_token(index: int) -> str:
    """The vocabulary token of pose code ``index``."""
    return f"<pose_{index}>"


def train_text_tokenizer(texts: list[str], vocab_size: int, codebook_size: int) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE on ``texts`` and add the control and pose-code tokens after the learned ones."""
    model = Tokenizer(models.BPE(unk_token=CONTROL_TOKENS["unk"]))
    model.normalizer = normalizers.NFKC()
    model.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    model.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[CONTROL_TOKENS["pad"], CONTROL_TOKENS["unk"]],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    model.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=model, pad_token=CONTROL_TOKENS["pad"],
                                        unk_token=CONTROL_TOKENS["unk"])
    add_model_tokens(tokenizer, codebook_size)
    return tokenizer


def add_model_tokens(tokenizer, codebook_size: int) -> None:
    """Add control and pose-code tokens (as special tokens) to any HF tokenizer, e.g. a base LM's."""
    controls = [t for k, t in CONTROL_TOKENS.items() if k not in ("pad", "unk")]
    tokenizer.add_special_tokens({"additional_special_tokens": controls + [pose_token(i) for i in range(codebook_size)]})
    if tokenizer.pad_token is None:
        tokenizer.add_special_tokens({"pad_token": CONTROL_TOKENS["pad"]})


@dataclass(frozen=True)
class TokenIds:
    """Ids of the control tokens and the contiguous pose-code range of a tokenizer."""

    pad: int
    cot: int
    direct: int
    t2p: int
    p2t: int
    sep: int
    eot: int
    spq: int
    pq: int
    epq: int
    pose_offset: int
    codebook_size: int
    vocab_size: int

    @classmethod
    def of(cls, tokenizer, codebook_size: int) -> "TokenIds":
        """Look the ids up; the pose codes must be contiguous."""
        ids = {k: tokenizer.convert_tokens_to_ids(t) for k, t in CONTROL_TOKENS.items() if k != "unk"}
        ids["pad"] = tokenizer.pad_token_id
        first = tokenizer.convert_tokens_to_ids(pose_token(0))
        last = tokenizer.convert_tokens_to_ids(pose_token(codebook_size - 1))
        if last - first != codebook_size - 1:
            raise ValueError(f"pose-code tokens are not contiguous in the vocabulary ({first}..{last})")
        return cls(**ids, pose_offset=first, codebook_size=codebook_size, vocab_size=len(tokenizer))

    @property
    def text_vocab_end(self) -> int:
        """Ids below this are learned text tokens (plus pad/unk); control and pose tokens come after."""
        return min(self.cot, self.pose_offset)


def load_text_tokenizer(directory: str | Path) -> PreTrainedTokenizerFast:
    """Load a tokenizer saved with ``save_pretrained``."""
    return PreTrainedTokenizerFast.from_pretrained(str(directory))
