"""Align AMASS frames, PoseScript captions and BABEL labels by frame index into triplets (the paper's dataset).

For each PoseScript pose from AMASS: load its sequence, convert the frame index to seconds with the sequence's
``mocap_framerate``, and take the BABEL label whose span contains that time (the most specific one; "transition"
only when nothing else). The label is the abstract action, the PoseScript caption the detailed text, the AMASS
frame the pose. Triplets are then de-duplicated by action label: the first pose (lowest PoseScript id) of each
label is kept, as the paper does.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from synthesis.importers.amass import load_amass
from synthesis.importers.babel import BabelSegment, labels_at, load_babel
from synthesis.importers.posescript import PoseScriptEntry, load_posescript
from synthesis.seed_library.records import PROMPT_PREFIX
from synthesis.records import Triplet

SOURCE = "amass-posescript-babel"


@dataclass(frozen=True)
class AlignedPose:
    """A PoseScript entry with the BABEL label found at its frame."""

    entry: PoseScriptEntry
    label: BabelSegment


def align(entries: list[PoseScriptEntry], babel: dict[str, list[BabelSegment]],
          amass_root: Path) -> Iterator[AlignedPose]:
    """Entries from AMASS whose frame falls inside a BABEL label span (others have no abstract action)."""
    for entry in entries:
        segments = babel.get(entry.sequence_path)
        if entry.dataset != "AMASS" or not segments:
            continue
        sequence = load_amass(amass_root / entry.sequence_path)
        sequence.frame(entry.frame)  # validates the index against the file
        hits = labels_at(segments, entry.frame / sequence.framerate)
        if hits:
            yield AlignedPose(entry, hits[0])


def build_triplets(amass_root: str | Path, id_map_file: str | Path, caption_files: list[str | Path],
                   babel_files: list[str | Path], dedupe: bool = True) -> list[Triplet]:
    """The aligned dataset as pending triplets (one per action label when ``dedupe``)."""
    amass_root = Path(amass_root)
    entries = load_posescript(id_map_file, caption_files)
    babel = load_babel(babel_files)
    seen: set[str] = set()
    triplets = []
    for aligned in tqdm(align(entries, babel, amass_root), total=len(entries), desc="aligning", unit="pose"):
        label = aligned.label.proc_label
        if dedupe and label in seen:
            continue
        seen.add(label)
        entry = aligned.entry
        caption = entry.captions[0]
        triplets.append(Triplet(
            category=aligned.label.act_cat[0] if aligned.label.act_cat else "uncategorised",
            action=label, abstract_prompt=PROMPT_PREFIX + label, detailed_raw=caption, detailed_refined=caption,
            source=SOURCE, split="train", variant=f"posescript {entry.pose_id}", mirrored=False,
            pose=load_amass(amass_root / entry.sequence_path).frame(entry.frame),
            provenance={
                "prompts": {"backend": "babel", "config": {"raw_label": aligned.label.raw_label,
                                                           "act_cat": list(aligned.label.act_cat)}, "version": 1},
                "pose": {"backend": "amass", "config": {"sequence": entry.sequence_path, "frame": entry.frame},
                         "version": 1},
                "caption": {"backend": "posescript", "config": {"pose_id": entry.pose_id}, "version": 1},
                "refine": {"backend": "none", "config": {}, "version": 1},
            },
        ))
    return triplets
