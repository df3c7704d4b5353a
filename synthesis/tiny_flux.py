"""Build a tiny, randomly initialised FLUX pipeline (and a matching LoRA) from configs, fully offline.

It exercises the real diffusers code path of :class:`synthesis.image_backends.FluxLoraImage` on a CPU in about a
second; its images are noise. ``python -m synthesis.tiny_flux DIR`` writes ``DIR/pipeline`` (save_pretrained
layout) and ``DIR/lora/pytorch_lora_weights.safetensors``.
"""
from __future__ import annotations

import argparse
import string
from pathlib import Path

import torch

_CHARS = string.ascii_letters + string.digits + ".,!?'-"


def _tokenizers():
    """A character-level CLIP BPE tokenizer and T5 unigram tokenizer built from in-memory vocabularies."""
    from transformers import CLIPTokenizer, T5Tokenizer

    clip_vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for char in _CHARS.lower():
        clip_vocab.setdefault(char, len(clip_vocab))
        clip_vocab.setdefault(char + "</w>", len(clip_vocab))
    clip = CLIPTokenizer(vocab=clip_vocab, merges=[], model_max_length=77)
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    pieces += [(c, -3.0) for c in _CHARS] + [("\u2581" + c, -3.5) for c in _CHARS]
    t5 = T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=512)
    return clip, t5


def build_tiny_flux(seed: int = 0):
    """A FluxPipeline whose transformer, VAE and text encoders have a few thousand random parameters."""
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    torch.manual_seed(seed)
    clip_tokenizer, t5_tokenizer = _tokenizers()
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=4, num_layers=1, num_single_layers=1, attention_head_dim=16,
        num_attention_heads=2, joint_attention_dim=32, pooled_projection_dim=32, axes_dims_rope=(4, 4, 8))
    clip = CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=32, intermediate_size=37,
        num_attention_heads=4, num_hidden_layers=2, vocab_size=len(clip_tokenizer), projection_dim=32))
    t5 = T5EncoderModel(T5Config(
        vocab_size=len(t5_tokenizer), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
        decoder_start_token_id=0, pad_token_id=0, eos_token_id=1))
    vae = AutoencoderKL(
        sample_size=32, in_channels=3, out_channels=3, block_out_channels=(4,), layers_per_block=1,
        latent_channels=1, norm_num_groups=1, use_quant_conv=False, use_post_quant_conv=False,
        shift_factor=0.0609, scaling_factor=1.5035, down_block_types=["DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D"])
    return FluxPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=clip,
                        tokenizer=clip_tokenizer, text_encoder_2=t5, tokenizer_2=t5_tokenizer,
                        transformer=transformer)


def write_tiny_flux(directory: str | Path, seed: int = 0) -> tuple[Path, Path]:
    """Save a tiny pipeline and a random rank-4 LoRA for its transformer; returns (pipeline dir, lora dir)."""
    from diffusers import FluxPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    directory = Path(directory)
    pipeline = build_tiny_flux(seed)
    pipeline.save_pretrained(directory / "pipeline")
    transformer = pipeline.transformer
    transformer.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights=False,
                                       target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    FluxPipeline.save_lora_weights(directory / "lora", transformer_lora_layers=get_peft_model_state_dict(transformer))
    return directory / "pipeline", directory / "lora"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="where to write pipeline/ and lora/")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random weights")
    args = parser.parse_args()
    pipeline_dir, lora_dir = write_tiny_flux(args.directory, args.seed)
    print(f"tiny FLUX pipeline: {pipeline_dir}\nLoRA: {lora_dir}")


if __name__ == "__main__":
    main()
