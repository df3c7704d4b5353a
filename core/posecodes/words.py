"""The words of posecode captions, shared by the writer (text.py) and the reader (parse.py).

Body parts are named from joint names (``left_ankle`` -> "left foot"); each (kind, category) has the phrases
that state it, the first being the canonical one, so a caption and the parser can never drift apart.
"""
from __future__ import annotations

SIDES = ("left", "right")

PART_NOUNS = {
    "elbow": ("elbow", "elbows"), "knee": ("knee", "knees"), "hand": ("hand", "hands"), "ankle": ("foot", "feet"),
    "shoulder": ("shoulder", "shoulders"), "hip": ("hip", "hips"), "head": ("head", "head"),
    "spine3": ("body", "body"), "upper_arm": ("upper arm", "upper arms"), "forearm": ("forearm", "forearms"),
    "thigh": ("thigh", "thighs"), "shin": ("shin", "shins"), "arm": ("arm", "arms"), "leg": ("leg", "legs"),
    "torso": ("torso", "torso"), "arms": ("arms", "arms"), "legs": ("legs", "legs"), "side": ("side", "sides"),
}
"""Joint name without its side -> (singular, plural) noun."""

NOUN_PARTS = {noun: part for part, nouns in PART_NOUNS.items() for noun in nouns if part not in ("arms", "legs")}
NOUN_PARTS.update({"chest": "spine3", "ankle": "ankle", "ankles": "ankle", "foot": "ankle", "wrist": "hand", "wrists": "hand",
                   "upper body": "torso", "trunk": "torso", "back": "torso", "palm": "hand", "palms": "hand",
                   "heel": "ankle", "heels": "ankle", "fingertips": "hand"})
"""Noun a text may use -> joint name without side (the reader's side of PART_NOUNS, plus synonyms)."""


def split_side(joint: str) -> tuple[str | None, str]:
    """("left", "elbow") for "left_elbow"; (None, "head") for an unsided point."""
    side, _, rest = joint.partition("_")
    return (side, rest) if side in SIDES and rest else (None, joint)


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"


def noun(joint: str, plural: bool = False) -> str:
    """"left elbow" / "elbows" for a joint name."""
    side, part = split_side(joint)
    word = PART_NOUNS[part][1 if plural else 0]
    return word if plural or side is None else f"{side} {word}"


# (kind, category) -> phrases stating it, canonical first. {be} is "is"/"are"; {s} is the verb's -s ("" plural).
PREDICATES: dict[tuple[str, str], tuple[str, ...]] = {
    **{("angle", c): (f"{{be}} {c}",) for c in ("completely bent", "almost completely bent", "partially bent",
                                               "slightly bent")},
    ("angle", "bent at a right angle"): ("{be} bent at a right angle", "{be} bent at ninety degrees"),
    ("angle", "straight"): ("{be} straight", "{be} held straight", "{be} fully extended"),
    ("distance", "close"): ("{be} close to", "{be} near"),
    ("distance", "shoulder width apart"): ("{be} shoulder width apart",),
    ("distance", "spread apart"): ("{be} spread apart",),
    ("distance", "wide apart"): ("{be} wide apart", "{be} far apart"),
    ("relative", "above"): ("{be} above", "{be} raised above", "{be} higher than"),
    ("relative", "slightly above"): ("{be} slightly above", "{be} slightly higher than"),
    ("relative", "level with"): ("{be} level with", "{be} at the height of"),
    ("relative", "slightly below"): ("{be} slightly below", "{be} slightly lower than"),
    ("relative", "below"): ("{be} below", "{be} lower than"),
    ("relative", "in front of"): ("{be} in front of", "{be} held in front of"),
    ("relative", "slightly in front of"): ("{be} slightly in front of",),
    ("relative", "slightly behind"): ("{be} slightly behind",),
    ("relative", "behind"): ("{be} behind", "{be} held behind"),
    ("crossing", "crossed"): ("{be} crossed",),
    **{("orientation", c): (f"{{be}} {c}",) for c in ("pointing up", "raised diagonally", "angled downward",
                                                      "pointing down")},
    ("orientation", "horizontal"): ("{be} horizontal", "{be} level with the floor"),
    **{("lean", c): (f"{{be}} {c}",) for c in ("bent far backward", "leaning slightly backward", "bent forward",
                                               "leaning slightly forward", "leaning slightly to the right",
                                               "leaning slightly to the left")},
    ("lean", "leaning backward"): ("{be} leaning backward", "lean{s} back"),
    ("lean", "leaning forward"): ("{be} leaning forward", "lean{s} forward"),
    ("lean", "leaning to the right"): ("{be} leaning to the right", "lean{s} to the right"),
    ("lean", "leaning to the left"): ("{be} leaning to the left", "lean{s} to the left"),
    **{("twist", c): (f"{{be}} {c}",) for c in ("twisted to the right", "slightly twisted to the right",
                                                "slightly twisted to the left", "twisted to the left")},
    **{("head", c): (f"{{be}} {c}",) for c in ("tilted back", "tilted to the right", "tilted to the left")},
    ("head", "bowed forward"): ("{be} bowed forward", "{be} bent forward"),
    ("reach", "stretched forward"): ("{be} stretched forward", "reach{es} forward"),
    ("reach", "stretched backward"): ("{be} stretched backward",),
    ("reach", "raised straight up"): ("{be} raised straight up", "{be} stretched straight up"),
    ("reach", "stretched out to the side"): ("{be} stretched out to the side", "{be} held out to the side"),
    ("reach", "stretched across the body"): ("{be} stretched across the body",),
    ("reach", "extended forward"): ("{be} extended forward", "{be} stretched out forward"),
    ("reach", "extended backward"): ("{be} extended backward", "{be} stretched out behind"),
    ("reach", "raised up"): ("{be} raised up", "{be} lifted high"),
    ("reach", "extended out to the side"): ("{be} extended out to the side",),
    ("reach", "crossed over the other leg"): ("{be} crossed over the other leg",),
    ("contact", "on the ground"): ("touch{es} the floor", "rest{s} on the floor", "{be} on the ground"),
}

SUPPORT_PHRASES: dict[str, tuple[str, ...]] = {
    "standing": ("is standing", "stands upright"),
    "standing on one leg": ("is standing on the {side} leg", "balances on the {side} leg"),
    "squatting": ("is squatting", "crouches in a squat"),
    "seated": ("is in a seated position", "is sitting as if on a chair"),
    "sitting on the floor": ("is sitting on the floor", "sits on the ground"),
    "kneeling on both knees": ("is kneeling on both knees", "kneels on both knees"),
    "kneeling on one knee": ("is kneeling on the {side} knee", "kneels on the {side} knee"),
    "on hands and knees": ("is on hands and knees", "is on all fours, on hands and knees"),
    "on hands and feet": ("is on hands and feet", "supports the body on hands and feet"),
    "lying on the back": ("is lying on the back", "lies on the back"),
    "lying on the front": ("is lying on the front", "lies face down"),
    "lying on the side": ("is lying on the {side} side", "lies on the {side} side"),
    "upside down": ("is upside down", "is turned upside down"),
    "bent over": ("is bent over", "bends over at the hips"),
    "bending backward": ("is bending far backward", "arches far backward"),
}
"""Support category -> verb phrases after "the person" ({side} is the side of the knee / leg / body side)."""
