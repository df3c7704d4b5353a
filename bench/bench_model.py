"""CoT-Pose model figures on this machine: load time, prompt -> reasoning + pose + mesh latency, batch throughput,
and the time of one fine-tuning step.

Run ``python bench/bench_model.py [--checkpoint checkpoints/demo] [--repeats 10]``. Targets on a 2-core CPU:
load <= 5 s, prompt -> reasoning + pose + mesh p50 <= 1 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402

from bench.timing import percentile  # noqa: E402

PROMPTS = [
    "Generate the pose of throwing a ball", "Generate the pose of reaching for a high shelf",
    "Generate the pose of sitting on a chair", "Generate the pose of doing a push-up",
    "Generate the pose of waving hello", "Generate the pose of kicking a football",
    "Generate the pose of playing the violin", "Generate the pose of bowing politely",
]


def bench_training_step(generator, batch_size: int = 8, repeats: int = 5) -> float:
    """Median seconds of one LoRA fine-tuning step (paper settings r=64, alpha=16) on real generated text."""
    from peft import LoraConfig, get_peft_model

    from core.model.reasoning import CoTPoseModel
    from core.model.sequences import Example, collate
    from core.model.text_encoder import encode_texts

    model = CoTPoseModel.from_pretrained(generator.checkpoint_dir)
    model.llm = get_peft_model(model.llm, LoraConfig(r=64, lora_alpha=16, lora_dropout=0.05, target_modules=[
        "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
    model.train()
    results = [generator.generate(p) for p in PROMPTS[:batch_size]]
    examples = [Example("cot", r.prompt, r.reasoning or "the person stands.", tuple(r.codes)) for r in results]
    batch = collate(examples, encode_texts([r.prompt for r in results]), model.tokenizer, model.ids,
                    model.config.num_pose_tokens, model.config.prefix_tokens, model.config.max_text_tokens)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-5)
    times = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        loss = model(batch)["loss"]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", default=None, help="checkpoint directory (default: checkpoints/demo)")
    parser.add_argument("--repeats", type=int, default=2, help="passes over the 8 prompts (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    start = time.perf_counter()
    from core.generate import DEFAULT_SAMPLES, load_generator

    generator = load_generator(args.checkpoint)
    load_s = time.perf_counter() - start
    print(f"model load (incl. imports, MiniLM, LM, VQ-VAE): {load_s:.2f} s   (target <= 5 s)")

    from core.body import load_body_model
    from core.export import pose_mesh

    load_body_model()
    generator.generate(PROMPTS[0])
    pose_mesh(generator.generate(PROMPTS[0]).pose)  # warm-up
    settings = [("one greedy reasoning (temperature 0)", {"temperature": 0.0})]
    settings += [(f"{n} sampled reasonings" + (" (default)" if n == DEFAULT_SAMPLES else ""), {"samples": n})
                 for n in sorted({4, DEFAULT_SAMPLES, 16})]
    for label, options in settings:
        latencies, tokens = [], []
        for _ in range(args.repeats):
            for prompt in PROMPTS:
                start = time.perf_counter()
                result = generator.generate(prompt, **options)
                pose_mesh(result.pose)
                latencies.append(time.perf_counter() - start)
                tokens.append(len(generator.model.tokenizer.encode(result.reasoning)))
        print(f"prompt -> reasoning + pose + mesh, {label}: p50 {1000 * percentile(latencies, 0.5):.0f} ms, "
              f"p90 {1000 * percentile(latencies, 0.9):.0f} ms over {len(latencies)} runs, "
              f"mean reasoning length {statistics.mean(tokens):.0f} tokens   (target p50 <= 1000 ms)")

    start = time.perf_counter()
    for prompt in PROMPTS * 2:
        generator.generate(prompt)
    elapsed = time.perf_counter() - start
    print(f"batch throughput (16 prompts, model loaded once, no mesh): {16 / elapsed:.2f} prompts/s")
    no_reasoning = [generator.generate(p, reasoning=False).timings_ms["total_ms"] for p in PROMPTS]
    print(f"prompt -> pose without reasoning: p50 {percentile(no_reasoning, 0.5):.0f} ms")
    print(f"one LoRA fine-tuning step (batch 8, r=64): {1000 * bench_training_step(generator):.0f} ms")


if __name__ == "__main__":
    main()
