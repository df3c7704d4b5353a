"""Abstract prompt -> reasoning (detailed description) -> SMPL pose, as a library API and a CLI.

Library: ``load_generator(checkpoint_dir=None) -> Generator``; ``Generator.stream(prompt, seed=0, reasoning=True,
temperature=..., top_p=..., samples=..., shown_weight=...)``
yields ("text", delta) events then one ("pose", GenerationResult);
``Generator.generate(prompt, ...)`` returns the GenerationResult.

Decoding (self-consistency): ``samples`` reasonings are written in parallel; the first, shown one is greedy, the
others are sampled at ``temperature``, and the pose decodes the pooled code probabilities (each code slot takes the
probability-weighted codebook vector): the shown reasoning's own carry ``shown_weight`` of the pool, the sampled ones
share the rest. Temperature 0 writes the greedy reasoning only.

CLI: ``python -m core.generate "Generate the pose of throwing a ball" [--format json] [--prompts-file FILE]
[--seed N] [--samples S] [--temperature T] [--shown-weight W] [--checkpoint DIR] [--no-reasoning] [--mesh out.glb]
[--render out.png]``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import torch

from core.kinematics import joint_positions
from core.placement import place_on_ground
from core.pose import Pose

DEFAULT_CHECKPOINT = Path(__file__).resolve().parent.parent / "checkpoints" / "demo"
MAX_PROMPT_CHARS = 500
DEFAULT_TEMPERATURE = 1.0
DEFAULT_TOP_P = 1.0
DEFAULT_SAMPLES = 8
# The shown reasoning's share of the pose pool. Equal weights (1/8) hedge towards one generic stance that contradicts
# the shown text: with the refined-description model, 3 of the 8 open prompts read as their action (at 0.6: 6),
# unseen actions 150.6 vs 158.7 mm, seen ones 103.5 vs 91.6 mm (README, Results).
DEFAULT_SHOWN_WEIGHT = 0.6
MAX_SAMPLES = 32


class PromptError(ValueError):
    """The prompt cannot be turned into a pose (empty, too long, no words)."""


def validate_prompt(prompt: object) -> str:
    """The stripped prompt, or PromptError saying what is wrong with it."""
    if not isinstance(prompt, str):
        raise PromptError(f"The prompt must be text, got {type(prompt).__name__}.")
    text = " ".join(prompt.split())
    if not text:
        raise PromptError("The prompt is empty: describe an action, e.g. 'Generate the pose of throwing a ball'.")
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(f"The prompt is {len(text)} characters long; keep it under {MAX_PROMPT_CHARS} characters.")
    if not any(ch.isalpha() for ch in text):
        raise PromptError("The prompt has no letters: describe an action in words, e.g. 'a person waving hello'.")
    return text


@dataclass
class GenerationResult:
    """One generated pose: the prompt, the reasoning text, the pose placed on the ground and its joints."""

    prompt: str
    reasoning: str
    pose: Pose
    joints: torch.Tensor
    timings_ms: dict[str, float] = field(default_factory=dict)
    codes: list[int] = field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The CLI's JSON object: prompt, reasoning, global_orient (3), body_pose (69), joints (24 x 3), timings_ms."""
        return {"prompt": self.prompt, "reasoning": self.reasoning,
                "global_orient": [round(v, 6) for v in self.pose.global_orient[0].tolist()],
                "body_pose": [round(v, 6) for v in self.pose.body_pose[0].reshape(-1).tolist()],
                "joints": [[round(v, 5) for v in row] for row in self.joints.tolist()],
                "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()}}


def resolve_model_dir(checkpoint_dir: str | Path | None) -> Path:
    """The model directory inside a checkpoint (``<dir>/model``), or ``dir`` itself if it is one."""
    root = Path(checkpoint_dir) if checkpoint_dir else DEFAULT_CHECKPOINT
    for candidate in (root / "model", root):
        if (candidate / "cotpose_config.json").is_file():
            return candidate
    raise FileNotFoundError(f"{root}: no CoT-Pose model here (expected cotpose_config.json in it or in model/)")


class Generator:
    """A loaded CoT-Pose model ready to turn prompts into poses."""

    def __init__(self, model, checkpoint_dir: Path) -> None:
        self.model = model
        self.checkpoint_dir = checkpoint_dir

    def stream(self, prompt: str, *, seed: int = 0, reasoning: bool = True, temperature: float = DEFAULT_TEMPERATURE,
               top_p: float = DEFAULT_TOP_P, samples: int = DEFAULT_SAMPLES,
               shown_weight: float = DEFAULT_SHOWN_WEIGHT) -> Iterator[tuple[str, object]]:
        """Yield ("text", delta) as the (first) reasoning is written, then ("pose", GenerationResult)."""
        from core.model.text_encoder import encode_texts

        text = validate_prompt(prompt)
        if not 0 < top_p <= 1 or temperature < 0:
            raise ValueError(f"need temperature >= 0 and 0 < top_p <= 1, got {temperature}, {top_p}")
        if not 1 <= samples <= MAX_SAMPLES:
            raise ValueError(f"samples must be between 1 and {MAX_SAMPLES}, got {samples}")
        timings: dict[str, float] = {}
        start = time.perf_counter()
        prefix = encode_texts([text])[0]
        timings["encode_ms"] = 1000 * (time.perf_counter() - start)
        generator = torch.Generator().manual_seed(seed)
        parts: list[str] = []
        mark = time.perf_counter()
        probabilities = None
        for kind, value in self.model.stream(text, prefix, reasoning, temperature, top_p, generator, samples,
                                             shown_weight):
            if kind == "text":
                parts.append(value)
                yield "text", value
            elif kind == "codes":
                timings["reasoning_ms"] = 1000 * (time.perf_counter() - mark)
                probabilities = value
        mark = time.perf_counter()
        codes = probabilities.argmax(-1)
        pose = place_on_ground(self.model.pose_tokenizer.decode_soft(probabilities.unsqueeze(0)))
        joints = joint_positions(pose)[0]
        timings["pose_ms"] = 1000 * (time.perf_counter() - mark)
        timings["total_ms"] = 1000 * (time.perf_counter() - start)
        yield "pose", GenerationResult(text, "".join(parts).strip(), pose, joints, timings, codes.tolist())

    def generate(self, prompt: str, **options) -> GenerationResult:
        """Run :meth:`stream` to the end and return its result."""
        result = None
        for kind, value in self.stream(prompt, **options):
            if kind == "pose":
                result = value
        return result


def load_generator(checkpoint_dir: str | Path | None = None) -> Generator:
    """Load a checkpoint (default: the shipped ``checkpoints/demo``) and the MiniLM prompt encoder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from core.model.reasoning import CoTPoseModel
    from core.model.text_encoder import encode_texts

    model_dir = resolve_model_dir(checkpoint_dir)
    model = CoTPoseModel.from_pretrained(model_dir)
    encode_texts(["warm up"])
    return Generator(model, model_dir)


def pose_summary(result: GenerationResult) -> str:
    """A few human-readable lines about a generated pose."""
    joints = result.joints
    names = {"head": 15, "left wrist": 20, "right wrist": 21, "left ankle": 7, "right ankle": 8}
    lines = ["height of key joints above the floor (m): "
             + ", ".join(f"{n} {joints[i, 1]:.2f}" for n, i in names.items())]
    lines.append("codes: " + " ".join(str(c) for c in result.codes))
    lines.append("timings: " + ", ".join(f"{k} {v:.0f}" for k, v in result.timings_ms.items()))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prompt", nargs="?", help="abstract prompt, e.g. 'Generate the pose of throwing a ball'")
    parser.add_argument("--prompts-file", type=Path, help="file with one prompt per line (prints JSON lines)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    parser.add_argument("--temperature", type=float, default=DEFAULT_TEMPERATURE,
                        help="reasoning sampling temperature; 0 = one greedy reasoning (default: %(default)s)")
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES,
                        help="reasonings written in parallel (the shown one greedy, the others sampled); the pose "
                             f"pools them, 1..{MAX_SAMPLES} (default: %(default)s)")
    parser.add_argument("--shown-weight", type=float, default=DEFAULT_SHOWN_WEIGHT,
                        help="share of the pose pool carried by the shown reasoning, 0..1; the sampled "
                             "ones split the rest (default: %(default)s)")
    parser.add_argument("--top-p", type=float, default=DEFAULT_TOP_P, help="nucleus sampling mass (default: %(default)s)")
    parser.add_argument("--checkpoint", type=Path, default=None, help="checkpoint directory (default: checkpoints/demo)")
    parser.add_argument("--no-reasoning", action="store_true", help="skip the reasoning, go straight to the pose")
    parser.add_argument("--mesh", type=Path, help="also write the posed body mesh (.glb, .obj or .ply)")
    parser.add_argument("--render", type=Path, help="also write a PNG render of the pose")
    return parser


def _write_outputs(result: GenerationResult, mesh: Path | None, render: Path | None) -> None:
    if mesh:
        from core.export import export_pose

        export_pose(result.pose, mesh)
    if render:
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
        from core.render import save_render

        save_render(result.pose, render)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.prompt is None) == (args.prompts_file is None):
        parser.error("give exactly one of PROMPT or --prompts-file")
    prompts = [args.prompt]
    if args.prompts_file:
        try:
            prompts = [line for line in args.prompts_file.read_text().splitlines() if line.strip()]
        except OSError as exc:
            parser.error(f"cannot read --prompts-file {args.prompts_file}: {exc}")
        if (args.mesh or args.render) and len(prompts) > 1:
            parser.error("--mesh and --render take a single prompt")
    try:
        for prompt in prompts:
            validate_prompt(prompt)
    except PromptError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    generator = load_generator(args.checkpoint)
    if not 1 <= args.samples <= MAX_SAMPLES:
        parser.error(f"--samples must be between 1 and {MAX_SAMPLES}, got {args.samples}")
    if not 0 <= args.shown_weight <= 1:
        parser.error(f"--shown-weight must be between 0 and 1, got {args.shown_weight}")
    options = dict(seed=args.seed, reasoning=not args.no_reasoning, temperature=args.temperature, top_p=args.top_p,
                   samples=args.samples, shown_weight=args.shown_weight)
    for prompt in prompts:
        if args.format == "json" or args.prompts_file:
            result = generator.generate(prompt, **options)
            print(json.dumps(result.to_json_dict()), flush=True)
        else:
            print(f"prompt: {validate_prompt(prompt)}\nreasoning: ", end="", flush=True)
            for kind, value in generator.stream(prompt, **options):
                if kind == "text":
                    print(value, end="", flush=True)
                else:
                    result = value
            print("\n" + pose_summary(result))
        _write_outputs(result, args.mesh, args.render)
    return 0


if __name__ == "__main__":
    sys.exit(main())
