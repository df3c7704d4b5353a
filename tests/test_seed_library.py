"""The seed pose library as a whole: taxonomy counts, variants, quality gates, the unseen split, mirrors."""
from __future__ import annotations

import re

import pytest
import torch

from core.kinematics import joint_positions
from core.mirror import mirror_joints
from core.pose import Pose
from core.posespec import solve_spec
from synthesis.seed_library import (
    CATEGORIES,
    ClosePair,
    PROMPT_PREFIX,
    closest_pairs,
    load_library,
    load_split,
    near_duplicate_failures,
    pose_failures,
    seed_samples,
    solve_library,
)
from synthesis.seed_library.gates import pairwise_action_distance, root_relative
from synthesis.seed_library.split import UNSEEN_PER_CATEGORY, split_problems


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture(scope="session")
def solved(library):
    return solve_library(library, progress=False)


def test_taxonomy_is_11_categories_of_50_unique_labels(library):
    assert list(library.categories) == list(CATEGORIES.values())
    for category in library.categories:
        assert len(library.by_category(category)) == 50, category
    assert len(library.labels) == 550
    assert len(set(library.labels)) == 550


def test_labels_are_gerund_phrases_that_complete_the_prompt(library):
    for action in library.actions:
        head = action.label.split()[:3]  # "tap dancing", "irish step dancing": a compound gerund counts
        assert any(word.endswith("ing") for word in head), f"{action.label!r} does not start with a gerund"
        assert action.abstract_prompt == PROMPT_PREFIX + action.label
        assert action.label == action.label.lower().strip()


def test_enough_key_poses_and_second_variants(library):
    assert library.pose_count >= 715
    with_variant = sum(len(a.poses) >= 2 for a in library.actions)
    assert with_variant >= 0.30 * len(library.actions)


def test_every_pose_passes_the_quality_gates(solved):
    failures = pose_failures(solved)
    assert not failures, "\n".join(map(str, failures))


def test_no_unexplained_near_duplicate_actions(solved):
    pairs = closest_pairs(solved)
    assert len(pairs) == 550 * 549 // 2
    assert pairs[0].mpjpe <= pairs[-1].mpjpe
    failures = near_duplicate_failures(pairs)
    assert not failures, "\n".join(map(str, failures))


def test_pose_distance_ignores_which_way_the_body_faces():
    spec = {"right_shoulder": {"flexion": 90}, "left_knee": {"flexion": 60}, "spine": {"twist": 20}}
    turned = [solve_spec({**spec, "body": {"facing": yaw}}) for yaw in (0, 70, 180)]
    mirrored = solve_spec({"left_shoulder": {"flexion": 90}, "right_knee": {"flexion": 60}, "spine": {"twist": -20},
                           "body": {"facing": -40}})
    joints = joint_positions(Pose.cat(turned + [mirrored]))
    assert (root_relative(joints[0]) - root_relative(joints[1])).norm(dim=-1).mean() > 0.1  # unaligned: far apart
    distances = pairwise_action_distance([j[None] for j in joints])
    assert distances.distance.max() < 0.002  # a pose, its yaw-rotated copies and a turned mirror: ~0 mm
    assert distances.mirrored[0, 3] and not distances.mirrored[0, 1]


def test_near_duplicate_failure_names_the_closest_variants(library):
    first, second = library.actions[0], library.actions[1]
    pair = ClosePair(first, second, 0.01, first.poses[0].variant, second.poses[-1].variant, mirrored=True)
    (failure,) = near_duplicate_failures([pair])
    assert f"{first.poses[0].variant!r} vs mirrored {second.poses[-1].variant!r}" in failure.message


def test_unseen_split_is_recorded_and_about_ten_percent(library):
    split = load_split()
    assert split_problems(library, split) == []
    unseen = [label for labels in split.values() for label in labels]
    assert len(unseen) == len(set(unseen)) == UNSEEN_PER_CATEGORY * len(CATEGORIES)
    assert 0.08 <= len(unseen) / len(library.actions) <= 0.12


def test_mirrored_samples_swap_sides_in_pose_and_text(solved, library):
    split = load_split()
    subset = [s for s in solved if "left" in s.seed_pose.variant or "right" in s.seed_pose.variant][:3] or solved[:3]
    samples = seed_samples(subset, split)
    assert len(samples) == 2 * len(subset)
    for original, mirrored in zip(samples[::2], samples[1::2]):
        assert not original.mirrored and mirrored.mirrored
        assert (original.action, original.split) == (mirrored.action, mirrored.split)
        swapped = re.sub(r"\b(left|right)\b", lambda m: {"left": "right", "right": "left"}[m.group(1)],
                         original.variant)  # whole words only: "upright" stays
        assert mirrored.variant == swapped
        a = joint_positions(original.pose)
        b = joint_positions(mirrored.pose)
        expected = mirror_joints(a - a[:, :1])
        assert torch.allclose(b - b[:, :1], expected, atol=1e-4)
        assert abs(float(b[..., 1].min() - a[..., 1].min())) < 0.02  # both stand on the same ground
    unseen = {label for labels in split.values() for label in labels}
    assert {s.split for s in seed_samples(solved, split, mirrors=False)
            if s.action in unseen} == {"unseen"}
