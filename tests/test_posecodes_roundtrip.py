"""Round trip (issue 3): pose spec -> solver -> captioner; the posecodes include what the spec states."""
import pytest

from core.posecodes.caption import pose_joints
from core.posecodes.extract import extract_posecodes
from core.posespec import solve_spec

ELBOW = {0: "straight", 30: "slightly bent", 60: "partially bent", 90: "bent at a right angle",
         120: "almost completely bent", 150: "completely bent"}
KNEE_STANDING = {0: "straight", 30: "slightly bent", 60: "partially bent"}  # larger bends change the support


def _cases() -> list[tuple[str, dict, set]]:
    cases = []
    for side in ("left", "right"):
        other = "right" if side == "left" else "left"
        for flexion, category in ELBOW.items():
            cases.append((f"{side} elbow {flexion}", {f"{side}_elbow": flexion},
                          {("angle", (f"{side}_elbow",), category)}))
        for flexion, category in KNEE_STANDING.items():
            cases.append((f"{side} knee {flexion}", {f"{side}_knee": flexion, f"{side}_hip": {"flexion": flexion}},
                          {("angle", (f"{side}_knee",), category)}))
        cases += [
            (f"{side} hand above head", {f"{side}_shoulder": {"flexion": 180}},
             {("relative", (f"{side}_hand", "head"), "above"), ("reach", (f"{side}_arm",), "raised straight up")}),
            (f"kneeling on the {side} knee", {f"{other}_hip": {"flexion": 90}, f"{other}_knee": 90,
                                             f"{side}_knee": 90},
             {("support", (f"{side}_knee",), "kneeling on one knee"), ("angle", (f"{other}_knee",),
                                                                       "bent at a right angle")}),
            (f"standing on the {side} leg", {f"{other}_hip": {"flexion": 90}, f"{other}_knee": 90},
             {("support", (f"{side}_leg",), "standing on one leg"),
              ("relative", (f"{other}_knee", f"{other}_hip"), "level with")}),
            (f"lying on the {side} side", {"body": {"lying": f"{side}_side"}},
             {("support", (f"{side}_side",), "lying on the side")}),
            (f"{side} arm out to the side", {f"{side}_shoulder": {"abduction": 90}},
             {("reach", (f"{side}_arm",), "stretched out to the side"),
              ("relative", (f"{side}_hand", f"{side}_shoulder"), "level with")}),
            (f"{side} hand on the head", {f"{side}_shoulder": {"abduction": 150}, f"{side}_elbow": 120,
                                          "goals": {f"{side}_hand": {"on": "head_top"}}},
             {("distance", (f"{side}_hand", "head"), "close")}),
        ]
    cases += [
        ("both hands above the head", {"left_shoulder": {"flexion": 180}, "right_shoulder": {"flexion": 180}},
         {("relative", ("left_hand", "head"), "above"), ("relative", ("right_hand", "head"), "above")}),
        ("kneeling upright", {"left_knee": 90, "right_knee": 90},
         {("support", (), "kneeling on both knees"), ("angle", ("left_knee",), "bent at a right angle")}),
        ("lying on the back", {"body": {"lying": "back"}, "left_hip": {"flexion": 40}, "left_knee": 60},
         {("support", (), "lying on the back"), ("angle", ("left_knee",), "partially bent")}),
        ("lying on the front", {"body": {"lying": "front"}}, {("support", (), "lying on the front")}),
        ("sitting on the floor", {"left_hip": {"flexion": 90}, "right_hip": {"flexion": 90}},
         {("support", (), "sitting on the floor"), ("angle", ("left_knee",), "straight")}),
        ("seated", {"left_hip": {"flexion": 90}, "right_hip": {"flexion": 90}, "left_knee": 90, "right_knee": 90},
         {("support", (), "seated"), ("angle", ("right_knee",), "bent at a right angle")}),
        ("handstand", {"body": {"upside_down": True}, "left_shoulder": {"flexion": 180},
                       "right_shoulder": {"flexion": 180}}, {("support", (), "upside down")}),
        ("hands together", {"left_shoulder": {"flexion": 60}, "right_shoulder": {"flexion": 60},
                            "goals": {"hands": "together_in_front_of_chest"}},
         {("distance", ("left_hand", "right_hand"), "close")}),
        ("forward fold", {"body": {"hip_hinge": 100}}, {("support", (), "bent over")}),
        ("straddle", {"left_hip": {"abduction": 30}, "right_hip": {"abduction": 30}},
         {("distance", ("left_ankle", "right_ankle"), "wide apart")}),
        ("twist left", {"spine": {"twist": 50}}, {("twist", ("torso",), "twisted to the left")}),
        ("lean forward", {"body": {"hip_hinge": 45}}, {("lean", ("torso",), "leaning forward")}),
    ]
    return cases


CASES = _cases()


def test_there_are_at_least_forty_specs():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name, spec, expected", CASES, ids=[c[0] for c in CASES])
def test_the_captioners_posecodes_include_what_the_spec_states(name, spec, expected):
    codes = extract_posecodes(pose_joints(solve_spec(spec, seed=0)), complete=True)[0]
    assert expected <= {(c.kind, c.joints, c.category) for c in codes}
