"""Evaluation on held-out unseen actions: MPJPE (root rotation aligned), PFD / TFD / MFD, side by side.

Every method gets the action's abstract prompt and produces a pose (and, when it has one, a description). Scores
are taken against the closest of the action's reference samples (its authored variants, mirrors and variations),
the same way for every method. Feature distances are Euclidean distances between unit-norm embeddings of the
retrieval model (range 0..2): PFD pose vs reference pose, TFD generated vs reference description, MFD generated
description vs generated pose.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from core.kinematics import joint_positions
from core.model.reasoning import CoTPoseModel
from core.generate import DEFAULT_SAMPLES, DEFAULT_SHOWN_WEIGHT, DEFAULT_TEMPERATURE, Generator
from core.model.text_encoder import encode_texts
from core.pose import Pose
from core.rotations import matrix_to_6d, sixd_to_axis_angle, axis_angle_to_matrix
from training.config import TrainingConfig
from training.data import Sample, poses_of, split_samples
from training.paraphrase import action_of
from training.retrieval import TextPoseRetrieval, retrieval_recalls

EVAL_SEEDS = (0, 1, 2)  # rows that sample reasonings are scored once per seed and averaged
SEEN_FIT_ACTIONS = 55  # seen actions in the fit check, as many as the unseen ones
OPEN_PROMPTS = (
    "Generate the pose of reaching for a high shelf",
    "Generate the pose of throwing a ball",
    "Generate the pose of sitting on a chair",
    "Generate the pose of doing a push-up",
    "Generate the pose of bowing politely",
    "Generate the pose of kicking a football",
    "Generate the pose of celebrating a victory with both arms up",
    "Generate the pose of tying a shoelace",
)


@dataclass
class Prediction:
    pose: Pose
    text: str | None


def root_aligned_mpjpe(pred: Pose, refs: Pose) -> torch.Tensor:
    """(R,) MPJPE in metres of one predicted pose against each reference, after giving the prediction each
    reference's global root rotation; joints are pelvis-centred."""
    full = pred.full.expand(refs.batch_size, -1, -1).clone()
    full[:, 0] = refs.global_orient
    pj = joint_positions(Pose.from_full(full))
    rj = joint_positions(refs.with_transl(None))
    pj, rj = pj - pj[:, :1], rj - rj[:, :1]
    return (pj - rj).norm(dim=-1).mean(-1)


def mean_pose(samples: list[Sample]) -> Pose:
    """Chordal mean of the training poses: per joint, the averaged 6D rotation re-orthonormalised."""
    sixd = matrix_to_6d(axis_angle_to_matrix(poses_of(samples).full)).mean(0, keepdim=True)
    return Pose.from_full(sixd_to_axis_angle(sixd))


def model_predictions(model_dir: Path, prompts: list[str], reasoning: bool, seeds: tuple[int, ...] = (0,),
                      **options) -> list[list[Prediction]]:
    """Generations of a trained model directory with the product's decoding (``core.generate`` defaults unless
    ``options`` say otherwise), one list per sampling seed."""
    generator = Generator(CoTPoseModel.from_pretrained(model_dir), model_dir)
    out = []
    for seed in seeds:
        results = [generator.generate(prompt, reasoning=reasoning, seed=seed, **options) for prompt in prompts]
        out.append([Prediction(r.pose, r.reasoning if reasoning else None) for r in results])
    return out


def nearest_neighbour_predictions(train: list[Sample], prompts: list[str]) -> list[Prediction]:
    """MiniLM nearest seen action prompt -> that action's first authored pose and its description."""
    first: dict[str, Sample] = {}
    for s in train:
        if not s.mirrored:
            first.setdefault(s.abstract_prompt, s)
    seen = sorted(first)
    similarity = encode_texts(prompts) @ encode_texts(seen).T
    picks = [first[seen[i]] for i in similarity.argmax(1).tolist()]
    return [Prediction(poses_of([s]), s.detailed) for s in picks]


def score(predictions: list[Prediction], references: list[list[Sample]], retrieval: TextPoseRetrieval) -> dict:
    """Mean MPJPE (mm), PFD, TFD, MFD over the evaluated actions."""
    mpjpe, pfd, tfd, mfd = [], [], [], []
    with torch.no_grad():
        for pred, refs in zip(predictions, references):
            ref_poses = poses_of(refs)
            errors = root_aligned_mpjpe(pred.pose, ref_poses)
            mpjpe.append(float(errors.min()) * 1000)
            aligned = Pose.from_full(torch.cat([ref_poses.global_orient.unsqueeze(1),
                                                pred.pose.body_pose.expand(len(refs), -1, -1)], dim=1))
            pred_feat = retrieval.embed_poses(aligned)
            ref_feat = retrieval.embed_poses(ref_poses.with_transl(None))
            pfd.append(float((pred_feat - ref_feat).norm(dim=-1).min()))
            if pred.text is not None:
                text_feat = retrieval.embed_texts([pred.text or " "])
                ref_text = retrieval.embed_texts(sorted({r.detailed for r in refs}))
                tfd.append(float((ref_text - text_feat).norm(dim=-1).min()))
                mfd.append(float((text_feat - retrieval.embed_poses(pred.pose)).norm(dim=-1).squeeze()))
    mean = lambda xs: float(np.mean(xs)) if xs else None  # noqa: E731
    return {"MPJPE_mm": mean(mpjpe), "PFD": mean(pfd), "TFD": mean(tfd), "MFD": mean(mfd), "n": len(predictions)}


def mean_over_seeds(scores: list[dict]) -> dict:
    """One row from the scores of several sampling seeds: the means, plus the standard deviation of MPJPE and PFD
    across seeds when there is more than one."""
    row = {k: (None if scores[0][k] is None else float(np.mean([s[k] for s in scores]))) for k in scores[0]}
    row["n"], row["seeds"] = scores[0]["n"], len(scores)
    if len(scores) > 1:
        row["MPJPE_mm_std"] = float(np.std([s["MPJPE_mm"] for s in scores]))
        row["PFD_std"] = float(np.std([s["PFD"] for s in scores]))
    return row


def _fmt(value: float | None, digits: int, spread: float | None = None) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" + ("" if spread is None else f" ± {spread:.{digits}f}")


def write_report(path: Path, rows: dict[str, dict], extra: dict, sheet: str | None, open_sheet: str | None) -> None:
    """The markdown report: the table, the retrieval model's recall and the tokenizer's reconstruction error."""
    lines = ["# Evaluation on unseen actions", "",
             f"{extra['actions']} held-out actions (never seen in any training stage), prompt "
             f"\"Generate the pose of <action>\", the product's decoding ({DEFAULT_SAMPLES} reasonings, the shown "
             f"one greedy, the others sampled at temperature {DEFAULT_TEMPERATURE}; code probabilities pooled "
             f"with the shown one's share {DEFAULT_SHOWN_WEIGHT}; see `core/generate.py`); rows that "
             f"sample are scored with seeds {', '.join(map(str, EVAL_SEEDS))} and show mean ± standard deviation. "
             "Lower is better everywhere. MPJPE after giving "
             "the prediction the reference's global root rotation; PFD/TFD/MFD are distances between unit-norm "
             "features of our contrastive text-pose retrieval model; each score uses the closest of the action's "
             "reference samples. Regenerate with `python -m training evaluate --config training/configs/demo.yaml`.",
             "", "| Method | MPJPE (mm) | PFD | TFD | MFD |", "|---|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {_fmt(r['MPJPE_mm'], 1, r.get('MPJPE_mm_std'))} | "
                     f"{_fmt(r['PFD'], 4, r.get('PFD_std'))} | {_fmt(r['TFD'], 4)} | "
                     f"{_fmt(r['MFD'], 4)} |")
    rec = extra["retrieval"]
    lines += ["", "Retrieval model (held-out pool of "
              f"{rec.get('pool', 0)} unseen-action samples): text->pose "
              + ", ".join(f"{k.split('_')[1]} {v:.2f}" for k, v in rec.items() if k.startswith("text2pose"))
              + "; pose->text "
              + ", ".join(f"{k.split('_')[1]} {v:.2f}" for k, v in rec.items() if k.startswith("pose2text")) + "."]
    fit = extra.get("seen_fit")
    if fit:
        lines += ["", f"Fit check on {fit['actions']} *seen* actions (seed 0): ours (CoT) "
                  f"{fit['ours']['MPJPE_mm']:.1f} mm / PFD {fit['ours']['PFD']:.4f}, mean pose "
                  f"{fit['mean_pose']['MPJPE_mm']:.1f} mm / PFD {fit['mean_pose']['PFD']:.4f}; "
                  f"{fit['opening_matches']} of {fit['actions']} reasonings open with the action's own first clause "
                  "(\"To throw a ball, ...\")."]
    if extra.get("tokenizer"):
        tok = extra["tokenizer"]
        lines += ["", f"Pose tokenizer: held-out reconstruction MPJPE {tok['mpjpe_mm']:.1f} mm, code perplexity "
                  f"{tok['perplexity']:.0f} ({tok['codes_used']} codes used on held-out poses)."]
    if sheet:
        lines += ["", "Columns: reference, ours (CoT), ours without reasoning, nearest-neighbour retrieval.", "",
                  f"![unseen actions]({Path(sheet).name})"]
    if open_sheet:
        named = sum(o["seen_action"] for o in extra["open_prompts"])
        lines += ["", f"Open prompts (ours, CoT; {named} of {len(extra['open_prompts'])} name a seen action word for "
                  "word, the others are worded outside the taxonomy):", "", f"![open prompts]({Path(open_sheet).name})"]
    examples = extra.get("examples", [])
    if examples:
        lines += ["", "## Example reasoning (ours, unseen actions)", ""]
        lines += [f"- **{e['prompt']}**: {e['reasoning']}" for e in examples]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def _contact_sheets(config: TrainingConfig, actions: list[str], refs: list[list[Sample]], columns: dict,
                    open_predictions: list[Prediction]) -> tuple[str, str]:
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    from core.contact_sheet import make_contact_sheet
    from core.placement import place_on_ground

    count = min(config.evaluate.sheet_prompts, len(actions))
    poses, labels = [], []
    for i in range(count):
        poses.append(poses_of(refs[i][:1]))
        labels.append(f"{actions[i][:22]}: ref")
        for name, preds in columns.items():
            poses.append(preds[i].pose)
            labels.append(name)
    sheet = make_contact_sheet(place_on_ground(Pose.cat([p.with_transl(None) for p in poses])), labels,
                               columns=1 + len(columns), size=160, progress=True)
    sheet.save(config.evaluate.contact_sheet, optimize=True)
    open_poses = place_on_ground(Pose.cat([p.pose.with_transl(None) for p in open_predictions]))
    open_labels = [p.replace("Generate the pose of ", "")[:30] for p in OPEN_PROMPTS]
    open_path = str(Path(config.evaluate.contact_sheet).with_name("evaluation_open_prompts.png"))
    make_contact_sheet(open_poses, open_labels, columns=4, size=160, progress=True).save(open_path, optimize=True)
    return config.evaluate.contact_sheet, open_path


def samples_by_action(samples: list[Sample]) -> dict[str, list[Sample]]:
    """Each action's samples (its reference set)."""
    grouped: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        grouped[s.action].append(s)
    return grouped


def seen_fit(model_dir: Path, train: list[Sample], retrieval: TextPoseRetrieval, count: int = SEEN_FIT_ACTIONS) -> dict:
    """Does the model fit what it was taught? CoT and mean pose on ``count`` seen actions (spread over the sorted
    list), seed 0; plus how many generated reasonings open with the action's own first clause."""
    grouped = samples_by_action(train)
    actions = sorted(grouped)
    picked = [grouped[a] for a in actions[::max(1, len(actions) // count)][:count]]
    predictions = model_predictions(model_dir, [refs[0].abstract_prompt for refs in picked], True)[0]
    opening = lambda text: text.split(",")[0]  # noqa: E731
    opens = sum(opening(p.text) in {opening(r.detailed) for r in refs} for p, refs in zip(predictions, picked))
    mean = mean_pose(train)
    return {"actions": len(picked), "ours": score(predictions, picked, retrieval),
            "mean_pose": score([Prediction(mean, None) for _ in picked], picked, retrieval), "opening_matches": opens}


def run_evaluation(config: TrainingConfig, samples: list[Sample], render: bool = True) -> dict:
    """Score every available trained variant and the baselines; write the report, sheets and evaluation.json."""
    train, unseen = split_samples(samples)
    by_action = samples_by_action(unseen)
    actions = sorted(by_action)
    refs = [by_action[a] for a in actions]
    prompts = [refs_[0].abstract_prompt for refs_ in refs]
    retrieval = TextPoseRetrieval.from_pretrained(config.run_path / "retrieval")
    run = config.run_path
    variants = {"Ours (CoT)": ("cot", True, {}),
                "Ours without reasoning (pose loss only)": ("pose-loss-only", False, {}),
                "Ours, text loss only (ablation 1)": ("text-loss-only", True, {}),
                "Ours, unrefined descriptions (ablation 2)": ("unrefined", True, {}),
                "Ours (CoT), reasonings pooled with equal weights": ("cot", True,
                                                                     {"shown_weight": 1 / DEFAULT_SAMPLES}),
                "Ours (CoT), one greedy reasoning": ("cot", True, {"temperature": 0.0}),
                "Ours (CoT) decoded with --no-reasoning": ("cot", False, {})}
    predictions: dict[str, list[Prediction]] = {}
    rows: dict[str, dict] = {}
    for name, (mode, reasoning, options) in variants.items():
        model_dir = config.stage_path("finetune", mode) / "model"
        if model_dir.is_dir():
            sampled = reasoning and options.get("temperature", DEFAULT_TEMPERATURE) > 0
            per_seed = model_predictions(model_dir, prompts, reasoning,
                                         EVAL_SEEDS if sampled else EVAL_SEEDS[:1], **options)
            predictions[name] = per_seed[0]
            rows[name] = mean_over_seeds([score(preds, refs, retrieval) for preds in per_seed])
    predictions["Nearest-neighbour retrieval (MiniLM)"] = nearest_neighbour_predictions(train, prompts)
    predictions["Mean pose"] = [Prediction(mean_pose(train), None) for _ in prompts]
    for name in ("Nearest-neighbour retrieval (MiniLM)", "Mean pose"):
        rows[name] = score(predictions[name], refs, retrieval)
    tok_path = run / "tokenizer" / "tokenizer_metrics.json"
    extra = {"actions": len(actions), "retrieval": retrieval_recalls(retrieval, [s for s in unseen if not s.mirrored]),
             "tokenizer": json.loads(tok_path.read_text()).get("heldout") if tok_path.is_file() else None,
             "examples": [{"prompt": p, "reasoning": pr.text} for p, pr in
                          zip(prompts[:6], predictions.get("Ours (CoT)", [])[:6])]}
    cot_model = config.stage_path("finetune") / "model"
    if cot_model.is_dir():
        extra["seen_fit"] = seen_fit(cot_model, train, retrieval)
    sheet = open_sheet = None
    if render and "Ours (CoT)" in predictions:
        columns = {k: predictions[k] for k in ("Ours (CoT)", "Ours without reasoning (pose loss only)",
                                              "Nearest-neighbour retrieval (MiniLM)") if k in predictions}
        short = {"Ours (CoT)": "ours", "Ours without reasoning (pose loss only)": "no reasoning",
                 "Nearest-neighbour retrieval (MiniLM)": "nearest neighbour"}
        open_preds = model_predictions(cot_model, list(OPEN_PROMPTS), True)[0]
        sheet, open_sheet = _contact_sheets(config, actions, refs, {short[k]: v for k, v in columns.items()},
                                            open_preds)
        seen_actions = {s.action for s in train}
        extra["open_prompts"] = [{"prompt": p, "reasoning": o.text, "seen_action": action_of(p) in seen_actions}
                                 for p, o in zip(OPEN_PROMPTS, open_preds)]
    write_report(Path(config.evaluate.report), rows, extra, sheet, open_sheet)
    result = {"rows": rows, **extra}
    (run / "evaluation.json").write_text(json.dumps(result, indent=2) + "\n")
    return result
