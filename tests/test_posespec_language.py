"""The spec language as authors use it: documented examples, YAML collections, errors, goals, determinism."""
import re
from pathlib import Path

import pytest
import torch

from core.kinematics import joint_positions
from core.posecodes.points import body_points
from core.posespec import SpecError, load_specs, solve, solve_spec, specs_from_yaml
from core.posespec.__main__ import main as posespec_cli
from core.posespec.vocabulary import GROUPS

DOC = Path(__file__).resolve().parents[1] / "docs" / "pose_spec.md"


def doc_yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.S)


def test_every_joint_and_angle_name_is_documented():
    text = DOC.read_text()
    for group in GROUPS.values():
        assert f"`{group.key.replace('left_', '*_').replace('right_', '*_')}`" in text or f"`{group.key}`" in text
        for name in group.accepted_names():
            assert f"`{name}`" in text, f"{group.key}.{name} missing from docs/pose_spec.md"


def test_the_five_documented_examples_solve_without_problems():
    specs = [spec for block in doc_yaml_blocks()[2:] for spec in specs_from_yaml(block)]
    names = [name for name, _ in specs]
    assert len(specs) == 5, names
    for name, spec in specs:
        result = solve(spec, name=name)
        assert result.problems == [], (name, result.problems)
        assert result.pose.transl is not None


def test_yaml_collections_lists_mappings_and_seed_style_nesting(tmp_path):
    listed = specs_from_yaml("- {left_knee: 30}\n- {right_knee: 40}\n")
    assert [spec for _, spec in listed] == [{"left_knee": 30}, {"right_knee": 40}]
    named = specs_from_yaml("a: {left_knee: 30}\nb:\n  body: {facing: 90}\n")
    assert [name for name, _ in named] == ["a", "b"]
    path = tmp_path / "cat.yaml"
    path.write_text("category: X\nactions:\n  - label: waving\n    poses:\n      - variant: high\n        spec:\n"
                    "          right_shoulder: {abduction: 150}\n")
    assert load_specs(path) == [("waving / high", {"right_shoulder": {"abduction": 150}})]


def test_single_spec_yaml_text_and_bare_hinge_numbers():
    a = solve_spec("left_knee: 90\nright_elbow: {flexion: 45}\n")
    b = solve_spec({"left_knee": {"flexion": 90}, "right_elbow": {"extension": -45}})
    assert torch.allclose(a.full, b.full)


@pytest.mark.parametrize("spec,message", [
    ({"rigth_knee": {"flexion": 30}}, "unknown joint 'rigth_knee' (did you mean right_knee"),
    ({"left_knee": {"abduction": 30}}, "left_knee: unknown angle 'abduction'"),
    ({"left_knee": {"flexion": "a lot"}}, "left_knee.flexion: expected a number of degrees"),
    ({"left_knee": {"flexion": 30, "extension": 10}}, "flexion given twice"),
    ({"body": {"lying": "sideways"}}, "body.lying: expected one of back, front, left_side, right_side"),
    ({"body": {"lying": "back", "upside_down": True}}, "cannot be combined"),
    ({"left_hand": {"near": "head"}}, "'left_hand' is a body point"),
    ({"goals": {"left_hand": {"near": "hed"}}}, "unknown body point 'hed' (did you mean head"),
    ({"goals": {"left_hand": {"inside": "head"}}}, "unknown relation 'inside'"),
    ({"goals": {"hands": "praying"}}, "goals.hands: unknown preset 'praying'"),
])
def test_malformed_specs_raise_a_clear_error(spec, message):
    with pytest.raises(SpecError) as info:
        solve_spec(spec)
    assert message in str(info.value)


def test_out_of_range_angles_are_reported_with_the_excess_and_clamped_in_lenient_mode():
    with pytest.raises(SpecError, match=r"left_knee.flexion = 175 deg is outside the joint limit \[-10, 160\] by 15"):
        solve_spec({"left_knee": 175})
    result = solve({"left_knee": 175, "body": {"hip_hinge": 100}, "left_hip": {"flexion": 60}})
    assert any("left_hip.flexion = 160 deg, including body.hip_hinge 100" in p for p in result.problems)
    assert result.angles_deg["left_knee.flexion"] == 160


def test_goals_are_met_and_deterministic_per_seed():
    spec = {"goals": {"left_hand": {"on": "right_knee"}}, "spine": {"flexion": 30}}
    a, b = solve(spec, seed=3), solve(spec, seed=3)
    assert a.problems == [] and torch.equal(a.pose.full, b.pose.full)
    j = joint_positions(a.pose)
    hand, knee = body_points(j, ["left_hand", "right_knee"])[0]
    assert (hand - knee).norm() < 0.09
    c = solve(spec, seed=4)
    assert not torch.equal(a.pose.full, c.pose.full)


def test_impossible_goal_is_reported_with_the_distance_missing():
    result = solve({"goals": {"left_hand": {"above": "head_top", "distance": 2.0}}})  # the body is shorter
    assert len(result.problems) == 1
    match = re.fullmatch(r"goal not met: left_hand above head_top is off by (\d+\.\d) cm", result.problems[0])
    assert match and 80 < float(match.group(1)) < 200
    with pytest.raises(SpecError, match="goal not met: left_hand above head_top"):
        solve_spec({"goals": {"left_hand": {"above": "head_top", "distance": 2.0}}})


def test_check_cli_reports_problems_and_exit_code(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text("a: {left_knee: 30}\nb: {goals: {hands: on_hips}}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("c: {left_knee: 200}\nd: {leftknee: 20}\n")
    assert posespec_cli(["check", str(good)]) == 0
    assert posespec_cli(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "left_knee.flexion = 200" in out and "unknown joint 'leftknee'" in out
    assert "0/2 specs solved without problems" in out
