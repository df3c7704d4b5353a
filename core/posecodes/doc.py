"""The docs/posecodes.md page: six pose specs, their renders and their captions (``python -m core.posecodes doc``)."""
from __future__ import annotations

from pathlib import Path

import yaml

from core.posecodes.caption import caption_poses
from core.posespec import solve_spec

EXAMPLES = """
kneeling_on_one_knee_proposing:
  left_hip: {flexion: 90}
  left_knee: {flexion: 90}
  right_hip: {extension: 5}
  right_knee: {flexion: 95}
  right_ankle: {plantarflexion: 30}
  right_shoulder: {flexion: 70, abduction: 10}
  right_elbow: {flexion: 25}
  left_shoulder: {abduction: 15}
  left_elbow: {flexion: 60}
waving_with_the_right_hand:
  right_shoulder: {abduction: 150}
  right_elbow: {flexion: 60}
  left_elbow: {flexion: 20}
  spine: {side_bend: -8}
  left_knee: {flexion: 15}
  left_hip: {flexion: 10}
lying_on_back_hands_behind_head:
  body: {lying: back}
  left_hip: {flexion: 40}
  left_knee: {flexion: 60}
  left_shoulder: {abduction: 150}
  right_shoulder: {abduction: 150}
  left_elbow: {flexion: 120}
  right_elbow: {flexion: 120}
  goals:
    hands: behind_head
tree_pose_on_one_leg:
  right_hip: {flexion: 40, abduction: 45, external_rotation: 40}
  right_knee: {flexion: 140}
  left_shoulder: {flexion: 40}
  right_shoulder: {flexion: 40}
  left_elbow: {flexion: 100}
  right_elbow: {flexion: 100}
  goals:
    right_ankle: {on: left_knee, distance: 0.12}
    hands: together_in_front_of_chest
sitting_on_the_floor_reaching_forward:
  left_hip: {flexion: 90}
  right_hip: {flexion: 90}
  spine: {flexion: 35}
  left_shoulder: {flexion: 90}
  right_shoulder: {flexion: 90}
on_hands_and_knees_looking_up:
  body: {lean_forward: 90}
  left_hip: {flexion: 90}
  right_hip: {flexion: 90}
  left_knee: {flexion: 90}
  right_knee: {flexion: 90}
  left_ankle: {plantarflexion: 45}
  right_ankle: {plantarflexion: 45}
  left_shoulder: {flexion: 90}
  right_shoulder: {flexion: 90}
  neck: {extension: 30}
  goals:
    hands: on_floor
"""

HEADER = """# Posecodes: the pose-to-text captioner

`core.posecodes` writes PoseScript-style descriptions of a pose from its 24 joints: it measures posecodes (joint
angles, distances, relative positions, segment orientations, torso lean and twist, floor contact and a
gravity-aware support: standing, kneeling, sitting, lying, upside down ...), aggregates left and right ("both
knees ..."), keeps the most salient ones within 35-90 words, and phrases them from templates with seeded
variation. The mirror of a pose gets exactly the side-swapped caption. The same vocabulary reads a text back,
so any text (a refined or LLM-written one) can be checked against the pose.

```python
from core.posecodes.caption import caption_poses, caption_joints, key_posecodes
captions = caption_poses(pose, n=3, seed=0)[0]     # per pose: n Caption(text, statements, posecodes, complete)
captions[0].text, captions[0].facts                # the caption, and its statements in canonical wording
captions[0].contradictions("To wave, the person ...")   # readable problems (left/right swaps, wrong bends ...)
```

Modules: `points` (named body points), `measures` + `extract` (batched posecodes), `aggregate` (statements,
both sides), `select` (salience order, length budget), `words` + `text` (templates), `parse` (text ->
statements, contradictions), `caption` (the API). Speed: `python bench/bench_posecodes.py`.

The six specs below (the [pose spec language](pose_spec.md)) are solved, rendered (front and side; the body's
left is tinted blue, its right orange) and captioned with seeds 0 and 1. Regenerate this page with
`python -m core.posecodes doc`.
"""


def write_doc(out: Path = Path("docs")) -> Path:
    """Solve, render and caption the examples; write ``out``/posecodes.md and ``out``/posecodes/*.png."""
    from core.render import save_render

    (out / "posecodes").mkdir(parents=True, exist_ok=True)
    parts = [HEADER]
    for name, spec in yaml.safe_load(EXAMPLES).items():
        pose = solve_spec(spec, seed=0)
        save_render(pose, out / "posecodes" / f"{name}.png", size=256)
        texts = [c.text for c in caption_poses(pose, n=2, seed=0)[0]]
        parts.append(f"## {name.replace('_', ' ').capitalize()}\n\n```yaml\n{yaml.safe_dump(spec, sort_keys=False)}"
                     f"```\n\n![{name}](posecodes/{name}.png)\n\n" + "\n\n".join(f"> {t}" for t in texts) + "\n")
    page = out / "posecodes.md"
    page.write_text("\n".join(parts))
    return page
