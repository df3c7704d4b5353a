"""CLI: ``python -m training <stage> --config training/configs/demo.yaml``.

Stages, in order: tokenizer (pose VQ-VAE), pretrain (detailed text <-> pose, full weights), finetune (abstract
prompt -> reasoning -> pose, LoRA; ablations --text-loss-only, --pose-loss-only, --unrefined), retrieval (the
contrastive text-pose model behind PFD/TFD/MFD), evaluate (table + contact sheet on unseen actions) and package
(copy the final model + evaluator into a shippable checkpoint directory with a manifest). Every stage resumes
from its last checkpoint when re-run after an interruption.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import torch

DEFAULT_CONFIG = "training/configs/demo.yaml"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["tokenizer", "pretrain", "finetune", "retrieval", "evaluate", "package"],
                        help="training stage to run")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="YAML config (default: %(default)s)")
    parser.add_argument("--export", default=None,
                        help="dataset export directory to train on (overrides data.export in the config)")
    ablation = parser.add_mutually_exclusive_group()
    ablation.add_argument("--text-loss-only", action="store_true",
                          help="finetune: train the reasoning text only, no pose loss (paper ablation 1); "
                               "package: ship that run")
    ablation.add_argument("--unrefined", action="store_true",
                          help="finetune: reason with the raw captions instead of the refined texts (ablation 2); "
                               "package: ship that run")
    ablation.add_argument("--pose-loss-only", action="store_true",
                          help="finetune: no reasoning, abstract prompt straight to pose (ablation 3); "
                               "package: ship that run")
    parser.add_argument("--output", default="checkpoints/demo", help="package: target directory (default: %(default)s)")
    return parser


def finetune_mode(args: argparse.Namespace) -> str:
    """The fine-tuning variant named by the ablation flags."""
    if args.text_loss_only:
        return "text-loss-only"
    if args.pose_loss_only:
        return "pose-loss-only"
    if args.unrefined:
        return "unrefined"
    return "cot"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from training.config import load_config
    from training.sources import load_samples

    config = load_config(args.config)
    if args.export:
        config = replace(config, data=replace(config.data, export=args.export))
    torch.set_num_threads(config.threads)
    if args.stage == "package":
        from training.package import package_checkpoint

        print(json.dumps(package_checkpoint(config, args.output, finetune_mode(args)), indent=2))
        return 0
    samples = load_samples(config)
    if args.stage == "tokenizer":
        from training.stage_tokenizer import train_tokenizer

        result = train_tokenizer(config, samples)
    elif args.stage in ("pretrain", "finetune"):
        from training.stage_lm import run_lm_stage

        result = run_lm_stage(config, samples, args.stage, finetune_mode(args) if args.stage == "finetune" else "cot")
    elif args.stage == "retrieval":
        from training.retrieval import train_retrieval

        result = train_retrieval(config, samples)
    else:
        from training.evaluate import run_evaluation

        result = run_evaluation(config, samples)
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
