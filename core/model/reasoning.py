"""The CoT-Pose reasoning model: a causal LM that writes the detailed description, then all K pose codes at once."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from torch.nn import functional as F
from transformers import AutoModelForCausalLM

from core.model.config import CoTPoseConfig
from core.model.sequences import IGNORE, Example, collate, encode_prompt
from core.model.vocab import TokenIds, load_text_tokenizer
from core.tokenizer import PoseTokenizer

PROJECTOR_NAME = "prefix_projector.safetensors"


class CoTPoseModel(nn.Module):
    """Causal LM + MiniLM prefix projector + pose tokenizer, saved and loaded as one directory.

    Directory layout: ``cotpose_config.json``, ``tokenizer/`` (text vocabulary), ``llm/`` (HF causal LM,
    safetensors) or ``llm_adapter/`` (peft LoRA adapter over ``config.base_llm``), ``prefix_projector.safetensors``
    and ``pose_tokenizer/`` (the VQ-VAE).
    """

    def __init__(self, config: CoTPoseConfig, llm: nn.Module, tokenizer, pose_tokenizer: PoseTokenizer) -> None:
        super().__init__()
        if pose_tokenizer.num_tokens != config.num_pose_tokens or pose_tokenizer.codebook_size != config.codebook_size:
            raise ValueError(f"pose tokenizer has K={pose_tokenizer.num_tokens}, N={pose_tokenizer.codebook_size}; "
                             f"config expects K={config.num_pose_tokens}, N={config.codebook_size}")
        self.config = config
        self.llm = llm
        self.tokenizer = tokenizer
        self.pose_tokenizer = pose_tokenizer.eval().requires_grad_(False)
        self.ids = TokenIds.of(tokenizer, config.codebook_size)
        hidden = llm.config.hidden_size
        self.prefix_projector = nn.Sequential(nn.Linear(config.text_embed_dim, hidden), nn.GELU(),
                                              nn.Linear(hidden, config.prefix_tokens * hidden))

    # ------------------------------------------------------------------ training
    def embed(self, input_ids: torch.Tensor, prefix: torch.Tensor) -> torch.Tensor:
        """Prefix embeddings (B, P, H) followed by the token embeddings (B, T, H)."""
        tokens = self.llm.get_input_embeddings()(input_ids)
        projected = self.prefix_projector(prefix.to(tokens.dtype)).reshape(prefix.shape[0], self.config.prefix_tokens, -1)
        return torch.cat([projected, tokens], dim=1)

    def code_logits(self, logits: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """(B, K, N) logits over the pose codes at the pose-query positions."""
        picked = logits.gather(1, positions.unsqueeze(-1).expand(-1, -1, logits.shape[-1]))
        return picked[..., self.ids.pose_offset:self.ids.pose_offset + self.config.codebook_size]

    def forward(self, batch: dict[str, torch.Tensor], text_weight: float = 1.0, pose_weight: float = 1.0,
                label_smoothing: float = 0.0) -> dict[str, torch.Tensor]:
        """Losses of a collated batch: L = text_weight * L_text + pose_weight * L_pose."""
        embeds = self.embed(batch["input_ids"], batch["prefix"])
        logits = self.llm(inputs_embeds=embeds, attention_mask=batch["attention_mask"].to(embeds.dtype)).logits
        zero = logits.new_zeros(())
        targets = batch["text_targets"]
        text_loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=IGNORE,
                                    label_smoothing=label_smoothing) if (targets != IGNORE).any() else zero
        pose_targets = batch["pose_targets"]
        pose_loss = zero
        if (pose_targets != IGNORE).any():
            code_logits = self.code_logits(logits, batch["pose_positions"])
            pose_loss = F.cross_entropy(code_logits.reshape(-1, code_logits.shape[-1]), pose_targets.reshape(-1),
                                        ignore_index=IGNORE, label_smoothing=label_smoothing)
        return {"loss": text_weight * text_loss + pose_weight * pose_loss, "loss_text": text_loss,
                "loss_pose": pose_loss}

    # ------------------------------------------------------------------ inference
    @staticmethod
    def _sample(logits: torch.Tensor, temperature: float, top_p: float,
                generator: torch.Generator | None) -> torch.Tensor:
        """(S,) next tokens from (S, V) logits: argmax at temperature 0, else nucleus sampling per row."""
        if temperature <= 0:
            return logits.argmax(-1)
        probs = torch.softmax(logits / temperature, dim=-1)
        sorted_probs, order = probs.sort(dim=-1, descending=True)
        sorted_probs = sorted_probs * (sorted_probs.cumsum(-1) - sorted_probs < top_p)
        choice = torch.multinomial(sorted_probs / sorted_probs.sum(-1, keepdim=True), 1, generator=generator)
        return order.gather(-1, choice).squeeze(-1)

    def _pose_probabilities(self, examples: list[Example], prefix: torch.Tensor) -> torch.Tensor:
        """(S, K, N) code probabilities of S cot/direct examples sharing one prefix vector, run as one batch laid out
        and masked exactly as in training (:func:`collate`)."""
        batch = collate(examples, prefix.reshape(1, -1).expand(len(examples), -1), self.tokenizer, self.ids,
                        self.config.num_pose_tokens, self.config.prefix_tokens, self.config.max_text_tokens)
        embeds = self.embed(batch["input_ids"], batch["prefix"])
        logits = self.llm(inputs_embeds=embeds, attention_mask=batch["attention_mask"].to(embeds.dtype)).logits
        return torch.softmax(self.code_logits(logits, batch["pose_positions"]).float(), dim=-1)

    @torch.no_grad()
    def stream(self, prompt: str, prefix: torch.Tensor, reasoning: bool = True, temperature: float = 0.0,
               top_p: float = 1.0, generator: torch.Generator | None = None,
               samples: int = 1, shown_weight: float | None = None) -> Iterator[tuple[str, object]]:
        """Yield ("text", delta) while writing the reasoning, then ("reasonings", list of the S texts) when reasoning,
        then ("codes", (K, N) code probabilities).

        ``prefix`` is the (384,) MiniLM embedding of the prompt. With ``samples`` > 1 (and a temperature above 0)
        that many reasonings are written in parallel under the causal mask (self-consistency): the first one is
        greedy and streamed, the others are sampled, and the code probabilities are pooled over all of them, each
        computed from its own reasoning by <eot> <spq> <pq>*K <epq> in one step whose query block attends
        bidirectionally. ``shown_weight`` is the shown reasoning's share of the pool (the sampled ones split the
        rest); None weighs all reasonings equally.
        """
        if samples < 1:
            raise ValueError(f"samples must be at least 1, got {samples}")
        if shown_weight is not None and not 0 <= shown_weight <= 1:
            raise ValueError(f"shown_weight must be between 0 and 1, got {shown_weight}")
        ids = self.ids
        no_codes = (0,) * self.config.num_pose_tokens  # the examples only position the pose queries
        if not reasoning:
            yield "codes", self._pose_probabilities([Example("direct", prompt, "", no_codes)], prefix)[0]
            return
        start = [ids.cot] + encode_prompt(self.tokenizer, prompt) + [ids.sep]
        rows = samples if temperature > 0 else 1
        embeds = self.embed(torch.tensor([start] * rows), prefix.reshape(1, -1).expand(rows, -1))
        out = self.llm(inputs_embeds=embeds, use_cache=True)
        allowed = torch.full((out.logits.shape[-1],), float("-inf"))
        allowed[2:ids.text_vocab_end] = 0.0  # learned text tokens (0, 1 are <pad>, <unk>)
        allowed[ids.eot] = 0.0
        written: list[list[int]] = [[] for _ in range(rows)]
        finished = [False] * rows
        shown = ""
        for _ in range(self.config.max_text_tokens):
            logits = out.logits[:, -1] + allowed
            tokens = self._sample(logits, temperature, top_p, generator)
            tokens[0] = logits[0].argmax()  # the shown reasoning is the greedy one; the others are samples
            first_grew = False
            for row, token in enumerate(tokens.tolist()):
                if finished[row]:
                    continue
                if token == ids.eot:
                    finished[row] = True
                else:
                    written[row].append(token)
                    first_grew |= row == 0
            text = self.tokenizer.decode(written[0]) if first_grew else shown
            if len(text) > len(shown) and not text.endswith("\ufffd"):
                yield "text", text[len(shown):]
                shown = text
            if all(finished):
                break
            out = self.llm(input_ids=tokens.unsqueeze(1), cache=out.cache, use_cache=True)
        texts = [self.tokenizer.decode(w).strip() for w in written]
        yield "reasonings", texts
        # the pose reads each reasoning as shown, tokenized the way training tokenized descriptions
        probabilities = self._pose_probabilities([Example("cot", prompt, t, no_codes) for t in texts], prefix)
        if shown_weight is None or rows == 1:
            yield "codes", probabilities.mean(0)
        else:
            yield "codes", shown_weight * probabilities[0] + (1 - shown_weight) * probabilities[1:].mean(0)

    # ------------------------------------------------------------------ persistence
    def save_pretrained(self, directory: str | Path, adapter_only: bool = False) -> None:
        """Write the model directory; ``adapter_only`` stores just the LoRA adapter of a peft-wrapped LM."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.config.save(directory)
        self.tokenizer.save_pretrained(str(directory / "tokenizer"))
        self.pose_tokenizer.save_pretrained(directory / "pose_tokenizer")
        save_file({k: v.contiguous() for k, v in self.prefix_projector.state_dict().items()},
                  str(directory / PROJECTOR_NAME))
        if adapter_only:
            self.llm.save_pretrained(str(directory / "llm_adapter"))
        else:
            self.llm.save_pretrained(str(directory / "llm"))

    @classmethod
    def from_pretrained(cls, directory: str | Path, dtype: torch.dtype = torch.float32) -> "CoTPoseModel":
        """Load a directory written by :meth:`save_pretrained` (merged LM or base + LoRA adapter), in eval mode."""
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        directory = Path(directory)
        config = CoTPoseConfig.load(directory)
        if (directory / "llm").is_dir():
            llm = AutoModelForCausalLM.from_pretrained(str(directory / "llm"), dtype=dtype)
        elif (directory / "llm_adapter").is_dir() and config.base_llm:
            from peft import PeftModel

            base = AutoModelForCausalLM.from_pretrained(config.base_llm, dtype=dtype)
            llm = PeftModel.from_pretrained(base, str(directory / "llm_adapter"))
        else:
            raise FileNotFoundError(f"{directory}: neither llm/ nor llm_adapter/ (with base_llm in the config) found")
        model = cls(config, llm, load_text_tokenizer(directory / "tokenizer"),
                    PoseTokenizer.from_pretrained(directory / "pose_tokenizer"))
        model.prefix_projector.load_state_dict(load_file(str(directory / PROJECTOR_NAME)))
        return model.to(dtype).eval()
