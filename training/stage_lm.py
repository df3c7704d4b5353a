"""Stages 2 and 3: multi-task pretraining of the reasoning LM (full weights) and CoT fine-tuning (peft LoRA)."""
from __future__ import annotations

import json
import math
import random
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file
from accelerate import Accelerator
from torch.utils.data import DataLoader
from tqdm import tqdm
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM

from core.model.config import CoTPoseConfig
from core.model.reasoning import PROJECTOR_NAME, CoTPoseModel
from core.model.sequences import collate
from core.model.text_encoder import TEXT_EMBED_DIM
from core.model.vocab import add_model_tokens, train_text_tokenizer
from core.tokenizer import PoseTokenizer
from training.checkpointing import load_trainer_state, save_trainer_state, seed_everything
from training.config import LMStage, TrainingConfig
from training.data import Sample, data_hash, split_samples
from training.lm_data import PrefixBank, finetune_items, pose_codes, prefix_texts, pretrain_items
from training.metrics_log import MetricLog
from training.paraphrase import all_paraphrases

ADAPTER_WEIGHTS = "adapter_model.safetensors"


def new_model(config: TrainingConfig, train: list[Sample], pose_tokenizer: PoseTokenizer) -> CoTPoseModel:
    """A fresh reasoning model: our own BPE + Llama of the configured size, or a local HF causal LM."""
    lm = config.model
    if lm.base_model:
        tokenizer = AutoTokenizer.from_pretrained(lm.base_model)
        add_model_tokens(tokenizer, pose_tokenizer.codebook_size)
        llm = AutoModelForCausalLM.from_pretrained(lm.base_model)
        llm.resize_token_embeddings(len(tokenizer))
    else:
        texts = [t for s in train for t in (s.detailed, s.detailed_raw)]
        texts += [p.lower() for s in train for p in all_paraphrases(s.abstract_prompt)]
        tokenizer = train_text_tokenizer(texts, lm.vocab_size, pose_tokenizer.codebook_size)
        llm = LlamaForCausalLM(LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=lm.hidden_size, intermediate_size=lm.intermediate_size,
            num_hidden_layers=lm.num_layers, num_attention_heads=lm.num_heads, num_key_value_heads=lm.num_heads,
            max_position_embeddings=lm.max_positions, tie_word_embeddings=True, pad_token_id=tokenizer.pad_token_id,
            bos_token_id=None, eos_token_id=None))
    cfg = CoTPoseConfig(prefix_tokens=lm.prefix_tokens, text_embed_dim=TEXT_EMBED_DIM,
                        num_pose_tokens=pose_tokenizer.num_tokens, codebook_size=pose_tokenizer.codebook_size,
                        max_text_tokens=lm.max_text_tokens)
    return CoTPoseModel(cfg, llm, tokenizer, pose_tokenizer)


def _with_lora(model: CoTPoseModel, stage: LMStage, base_dir: Path) -> None:
    from peft import LoraConfig, get_peft_model

    lora = LoraConfig(r=stage.lora_r, lora_alpha=stage.lora_alpha, lora_dropout=stage.lora_dropout,
                      target_modules=list(stage.lora_targets), bias="none", task_type="CAUSAL_LM")
    model.llm = get_peft_model(model.llm, lora)
    model.config.base_llm = str((base_dir / "llm").resolve())


def run_lm_stage(config: TrainingConfig, samples: list[Sample], stage_name: str, mode: str = "cot") -> dict:
    """Train the pretrain stage or one fine-tuning variant; returns a summary (also written as summary.json)."""
    torch.set_num_threads(config.threads)
    stage: LMStage = getattr(config, stage_name)
    out_dir = config.stage_path(stage_name, mode)
    ckpt_dir = out_dir / "checkpoint"
    generator = seed_everything(config.seed)
    train, _ = split_samples(samples)
    if stage_name == "pretrain":
        pose_tokenizer = PoseTokenizer.from_pretrained(config.run_path / "tokenizer")
        model = new_model(config, train, pose_tokenizer)
        if (ckpt_dir / "llm").is_dir():
            model = CoTPoseModel.from_pretrained(ckpt_dir)
    else:
        base_dir = config.run_path / "pretrain" / "model"
        model = CoTPoseModel.from_pretrained(base_dir)
        if stage.use_lora:
            _with_lora(model, stage, base_dir)
            if (ckpt_dir / "llm_adapter").is_dir():
                from peft import set_peft_model_state_dict

                set_peft_model_state_dict(model.llm, load_file(str(ckpt_dir / "llm_adapter" / ADAPTER_WEIGHTS)))
                model.prefix_projector.load_state_dict(load_file(str(ckpt_dir / PROJECTOR_NAME)))
        elif (ckpt_dir / "llm").is_dir():
            model = CoTPoseModel.from_pretrained(ckpt_dir)
    model.train()
    model.pose_tokenizer.eval()
    codes = pose_codes(model.pose_tokenizer, train)
    bank = PrefixBank(prefix_texts(train, stage_name))

    def items_for(epoch: int):
        rng = random.Random(config.seed * 1000 + epoch)
        if stage_name == "pretrain":
            return pretrain_items(train, codes, rng)
        return finetune_items(train, codes, stage, mode, rng)

    def collate_items(batch):
        return collate([i.example for i in batch], bank([i.prefix_text for i in batch]), model.tokenizer, model.ids,
                       model.config.num_pose_tokens, model.config.prefix_tokens, model.config.max_text_tokens)

    steps_per_epoch = math.ceil(len(items_for(0)) / stage.batch_size)
    total_steps = steps_per_epoch * stage.epochs
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=stage.lr, weight_decay=stage.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / stage.warmup_steps) * 0.5 * (
        1 + math.cos(math.pi * min(s, total_steps) / total_steps)))
    step, _ = load_trainer_state(ckpt_dir, optimizer, scheduler, generator)
    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    text_weight = 0.0 if mode == "pose-loss-only" else 1.0
    pose_weight = 0.0 if mode == "text-loss-only" else 1.0
    log = MetricLog(out_dir / "metrics.jsonl", out_dir.name)
    progress = tqdm(total=total_steps, initial=step, desc=out_dir.name, unit="step")
    for epoch in range(step // steps_per_epoch, stage.epochs):
        loader = accelerator.prepare(DataLoader(items_for(epoch), batch_size=stage.batch_size, shuffle=False,
                                                collate_fn=collate_items))
        for index, batch in enumerate(loader):
            if epoch * steps_per_epoch + index < step:
                continue
            losses = model(batch, text_weight, pose_weight, stage.label_smoothing)
            optimizer.zero_grad()
            accelerator.backward(losses["loss"])
            accelerator.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            log.write(step, step / steps_per_epoch, losses["loss"].item(), scheduler.get_last_lr()[0],
                      losses["loss_text"].item(), losses["loss_pose"].item())
            progress.update(1)
            progress.set_postfix(text=f"{losses['loss_text'].item():.3f}", pose=f"{losses['loss_pose'].item():.3f}")
            if step % stage.checkpoint_every == 0 and step < total_steps:
                unwrapped = accelerator.unwrap_model(model)
                unwrapped.save_pretrained(ckpt_dir, adapter_only=stage_name == "finetune" and stage.use_lora)
                save_trainer_state(ckpt_dir, step, optimizer, scheduler, generator)
    progress.close()
    final = accelerator.unwrap_model(model)
    if stage_name == "finetune" and stage.use_lora:
        final.llm = final.llm.merge_and_unload()
        final.config.base_llm = None
    final.eval().save_pretrained(out_dir / "model")
    if ckpt_dir.exists():
        shutil.rmtree(ckpt_dir)
    summary = {"stage": out_dir.name, "steps": step, "epochs": stage.epochs, "train_samples": len(train),
               "data_sha256": data_hash(samples), "stage_config": vars(stage),
               "parameters": sum(p.numel() for p in final.llm.parameters())}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary
