"""Reading texts back into statements, and checking any text (a raw caption, a refined or LLM-written one)
against a pose's posecodes.

The reader knows the phrases of words.py plus a few common synonyms; it splits a text into clauses, finds each
clause's subject ("the left elbow", "both hands", "the person") and the category it states. What it cannot read
it ignores, so a check only flags statements it understood.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.posecodes.aggregate import Statement, mirrored
from core.posecodes.extract import Posecode, measure_for
from core.posecodes.text import clause
from core.posecodes.words import NOUN_PARTS, PREDICATES, SIDES

_NOUNS = "|".join(sorted((re.escape(n) for n in NOUN_PARTS), key=len, reverse=True))
_SUBJECT = re.compile(rf"\b(?:(?P<side>left|right|both|each)\s+)?(?P<noun>{_NOUNS})\b")
_TARGET = re.compile(rf"^\s*(?:the\s+|each\s+)?(?:(?P<side>left|right|opposite|other)\s+)?(?P<noun>{_NOUNS}|floor|ground)\b")
_CLAUSE_SPLIT = re.compile(r"[.;!?]\s*|,\s*|(?:\s+(?:and|while|whereas|but)|(?<!level)\s+with)\s+"
                           r"(?=(?:the|both|each|his|her|their)\b)")

# Phrases of the reader only (mapped to a category of words.PREDICATES), longest first at match time.
_SYNONYMS = {
    "angle": {"fully bent": "completely bent", "bent at 90 degrees": "bent at a right angle",
              "bent at a 90 degree angle": "bent at a right angle", "extended": "straight", "locked": "straight",
              "straightened": "straight", "half bent": "partially bent", "bent halfway": "partially bent"},
    "relative": {"over": "above", "raised over": "above", "under": "below", "beneath": "below"},
    "distance": {"close together": "close", "near each other": "close", "touching": "close",
                 "next to": "close", "beside": "close"},
    "contact": {"on the floor": "on the ground", "touches the ground": "on the ground",
                "touch the ground": "on the ground", "touching the floor": "on the ground",
                "planted on the floor": "on the ground"},
}
_ANGLE_PARTS = {"elbow": "elbow", "knee": "knee", "arm": "elbow", "leg": "knee"}
_MARGINS = {"angle": 10.0, "distance": 0.06, "relative": 0.04, "orientation": 10.0, "lean": 8.0, "twist": 8.0,
            "head": 8.0, "crossing": 0.05}
"""How far (degrees / metres) a measured value may be outside the stated category's range before it counts."""

_W = r"(?:\s+\w+){0,3}?\s+"  # up to three words in between
_SUPPORT_READERS = [  # (pattern, category); the first that matches a sentence wins
    (r"\bupside down\b|\bhandstand\b|\bheadstand\b", "upside down"),
    (rf"\b(?:lying|lies|lie|laid){_W}back\b|\bface up\b", "lying on the back"),
    (rf"\b(?:lying|lies|lie|laid){_W}(?:front|stomach|belly)\b|\bface down\b|\bprone\b", "lying on the front"),
    (rf"\b(?:lying|lies|lie|laid){_W}(?:left|right)\s+side\b|\b(?:lying|lies) on (?:the|one) side\b",
     "lying on the side"),
    (r"\bhands and knees\b|\ball fours\b", "on hands and knees"),
    (r"\bhands and feet\b", "on hands and feet"),
    (rf"\bkneel(?:s|ing)?{_W}both knees\b|\bkneel(?:s|ing)? on the knees\b", "kneeling on both knees"),
    (rf"\bkneel(?:s|ing)?{_W}(?:left|right)\s+knee\b|\bon one knee\b", "kneeling on one knee"),
    (rf"\b(?:sitting|sits|seated|sit){_W}(?:floor|ground)\b", "sitting on the floor"),
    (r"\bseated position\b|\bsitting as if on a chair\b|\bon a chair\b", "seated"),
    (r"\bsquat(?:s|ting)?\b", "squatting"),
    (rf"\b(?:standing|stands|balances|balancing){_W}(?:left|right)\s+leg\b|\bon one leg\b",
     "standing on one leg"),
    (r"\bbent over\b|\bbends over\b", "bent over"),
    (r"\b(?:bending|arches|arching) far backward\b", "bending backward"),
    (r"\bis standing\b|\bstands\b", "standing"),
]
_SUPPORT_FAMILY = {
    "standing": "upright", "standing on one leg": "upright", "bent over": "upright", "bending backward": "upright",
    "squatting": "low", "seated": "low", "sitting on the floor": "low",
    "kneeling on both knees": "kneeling", "kneeling on one knee": "kneeling",
    "on hands and knees": "all fours", "on hands and feet": "all fours",
    "lying on the back": "lying", "lying on the front": "lying", "lying on the side": "lying",
    "upside down": "upside down",
}
_COMPATIBLE_FAMILIES = {frozenset({"low", "kneeling"}), frozenset({"low", "upright"}),
                        frozenset({"all fours", "kneeling"}), frozenset({"all fours", "upright"})}


def _phrases(kind: str) -> list[tuple[str, str]]:
    """(regex, category) for every phrase of a kind, longest first."""
    out = []
    for (k, category), templates in PREDICATES.items():
        if k == kind:
            for template in templates:
                text = re.escape(template.format(be="", s="\x01", es="\x02").strip())
                out.append((text.replace("\x01", "s?").replace("\x02", "(?:es)?").replace(r"\ ", r"\s+"), category))
    out += [(re.escape(p).replace(r"\ ", r"\s+"), c) for p, c in _SYNONYMS.get(kind, {}).items()]
    return sorted(out, key=lambda pc: len(pc[0]), reverse=True)


_KIND_PHRASES = {kind: _phrases(kind) for kind in {k for k, _ in PREDICATES}}
_KINDS_OF_PART = {
    "elbow": ("angle", "contact"), "knee": ("angle", "relative", "distance", "contact"), "arm": ("reach", "crossing", "angle"),
    "leg": ("reach", "crossing", "angle"), "hand": ("relative", "distance", "contact"),
    "ankle": ("relative", "distance"), "upper_arm": ("orientation",), "forearm": ("orientation",),
    "thigh": ("orientation",), "shin": ("orientation",), "torso": ("lean", "twist"), "head": ("head", "contact"),
}


def _category(kind: str, text: str) -> tuple[str, int] | None:
    """(category, end offset) of the first phrase of ``kind`` in ``text``."""
    best = None
    for pattern, category in _KIND_PHRASES[kind]:
        found = re.search(rf"\b{pattern}\b", text)
        if found and (best is None or found.start() < best[2]):
            best = (category, found.end(), found.start())
    return None if best is None else best[:2]


def _support_statement(text: str) -> Statement | None:
    """The support a sentence states ("the person is kneeling on the right knee"), if any."""
    for pattern, category in _SUPPORT_READERS:
        found = re.search(pattern, text)
        if found:
            side = re.search(r"\b(left|right)\s+(knee|leg|side)\b", found.group(0))
            return Statement("support", ((f"{side.group(1)}_{side.group(2)}",) if side else (),), category)
    return None


def _sided(side: str | None, part: str) -> list[str]:
    if part in ("torso", "head"):
        return [part]
    if side in SIDES:
        return [f"{side}_{part}"]
    return [f"{s}_{part}" for s in SIDES]  # both / each / the (plural)


def _clause_statement(text: str) -> Statement | None:
    subject = _SUBJECT.search(text)
    if subject is None:
        return None
    side, part = subject.group("side"), NOUN_PARTS[subject.group("noun")]
    plural = subject.group("noun").endswith("s") or subject.group("noun") == "feet"
    rest = text[subject.end():]
    if re.match(r"^\s+and\s+", rest) or side is None and part not in ("torso", "head") and not plural:
        return None  # "the left elbow and knee", or an unsided limb: not a statement the checker can place
    for kind in _KINDS_OF_PART.get(part, ()):
        if kind == "crossing" and (side in SIDES or not plural):
            continue
        found = _category(kind, rest)
        if found is None:
            continue
        category, end = found
        if kind == "crossing":
            return Statement(kind, ((f"{part}s",),), category)
        if kind == "angle":
            return Statement(kind, tuple((j,) for j in _sided(side, _ANGLE_PARTS[part])), category)
        if kind == "reach":
            return Statement(kind, tuple((j,) for j in _sided(side, part)), category)
        if kind in ("distance", "relative"):
            statement = _two_point(kind, side, part, plural, category, rest[end:])
            if statement is not None:
                return statement
            continue
        if kind == "contact" and not re.search(r"\b(?:floor|ground)\b", rest):
            continue
        return Statement(kind, tuple((j,) for j in _sided(side, part)), category)
    return None


def _two_point(kind: str, side: str | None, part: str, plural: bool, category: str,
               after: str) -> Statement | None:
    """A distance or relative statement: subject joints with the target named after the phrase."""
    target = _TARGET.match(after)
    if side is None and plural and kind == "distance" and (target is None or target.group("noun") in
                                                            ("floor", "ground")):
        return Statement(kind, ((f"left_{part}", f"right_{part}"),), category)  # "the hands are close together"
    if target is None or target.group("noun") in ("floor", "ground"):
        return None
    target_part = NOUN_PARTS[target.group("noun")]
    subjects = _sided(side, part)
    pairs = []
    for joint in subjects:
        own = joint.split("_")[0]
        if target_part in ("head", "spine3", "torso"):
            pairs.append((joint, "spine3" if target_part == "torso" else target_part))
        elif target.group("side") in SIDES:
            pairs.append((joint, f"{target.group('side')}_{target_part}"))
        elif target.group("side") in ("opposite", "other"):
            pairs.append((joint, f"{'right' if own == 'left' else 'left'}_{target_part}"))
        else:
            pairs.append((joint, f"{own}_{target_part}"))
    return Statement(kind, tuple(pairs), category)


def read_statements(text: str) -> list[Statement]:
    """The statements a text makes that the reader understands (lower-cased, clause by clause)."""
    statements = []
    for sentence in re.split(r"(?<=[.!?;])\s+", text.strip().lower()):
        found = _support_statement(sentence) if re.search(r"\bthe person\b|\bthe body\b", sentence) else None
        if found is not None:
            statements.append(found)
        for part in _CLAUSE_SPLIT.split(sentence):
            part = part.strip()
            if not part:
                continue
            statement = _clause_statement(part)
            if statement is not None and statement.kind != "support":
                statements.append(statement)
    return statements


_FAMILY_KINDS = ("relative", "lean", "head")  # kinds with several measures per joint tuple


@dataclass(frozen=True)
class _Truth:
    """What the pose's complete posecodes say, indexed by (kind, joints[, family of categories])."""

    table: dict[tuple, Posecode]
    support: Posecode

    @staticmethod
    def _key(kind: str, joints: tuple[str, ...], category: str) -> tuple | None:
        if kind not in _FAMILY_KINDS:
            return (kind, joints)
        measure = measure_for(kind, joints, category) or measure_for(kind, joints[::-1], category)
        return None if measure is None else (kind, joints, measure.categories[0])

    @classmethod
    def of(cls, codes: list[Posecode]) -> "_Truth":
        table = {cls._key(c.kind, c.joints, c.category): c for c in codes if c.kind != "support"}
        return cls(table, next(c for c in codes if c.kind == "support"))

    def actual(self, kind: str, joints: tuple[str, ...], category: str) -> tuple[str | None, float | None]:
        """(category, value) the pose has for the claim's measurement, restated from the claim's viewpoint."""
        code = self.table.get(self._key(kind, joints, category))
        if code is not None:
            return code.category, code.value
        if kind == "relative":
            code = self.table.get(self._key(kind, joints[::-1], category))
            if code is not None:
                return _mirror_category(code.category), -code.value
        return None, None


def _mirror_category(category: str) -> str:
    for tuple_ in ((("below", "slightly below", "level with", "slightly above", "above")),
                   (("behind", "slightly behind", "in line with", "slightly in front of", "in front of"))):
        if category in tuple_:
            return tuple_[len(tuple_) - 1 - tuple_.index(category)]
    return category


def _within_margin(kind: str, joints: tuple[str, ...], category: str, value: float) -> bool:
    """The measured value lies within the claimed category's range widened by the kind's margin."""
    measure = measure_for(kind, joints, category) or measure_for(kind, joints[::-1], _mirror_category(category))
    if measure is None or value is None:
        return False
    if measure.joints != joints:
        category, value = _mirror_category(category), -value
    index = measure.categories.index(category)
    bounds = (-float("inf"), *measure.thresholds, float("inf"))
    margin = _MARGINS[kind]
    return bounds[index] - margin <= value <= bounds[index + 1] + margin


def _problem(statement: Statement, joints: tuple[str, ...], truth: _Truth) -> str | None:
    kind, category = statement.kind, statement.category
    said = clause(Statement(kind, (joints,), category))
    if kind == "support":
        actual = truth.support
        family, real = _SUPPORT_FAMILY[category], _SUPPORT_FAMILY[actual.category]
        if family != real and frozenset({family, real}) not in _COMPATIBLE_FAMILIES:
            return f"the text says {said!r}, but the pose is {actual.category} (torso {actual.value:.0f} deg from upright)"
        if category == actual.category and joints and actual.joints and joints != actual.joints:
            return f"the text says {said!r}, but it is the other side: {clause(Statement('support', (actual.joints,), actual.category))!r}"
        return None
    real, value = truth.actual(kind, joints, category)
    twin, _ = truth.actual(kind, mirrored(joints), category)
    if real == category:
        return None
    if twin == category and mirrored(joints) != joints:
        return f"the text says {said!r}, but that is true of the other side (left and right swapped?)"
    if kind in ("reach", "contact"):
        if kind == "contact" and real is None:
            return f"the text says {said!r}, but it does not touch the floor"
        return None if real is None else f"the text says {said!r}, but it is {real}"
    if real is None or _within_margin(kind, joints, category, value):
        return None
    return f"the text says {said!r}, but it is {real} ({value:.2f})"


def contradictions(text: str, codes: list[Posecode]) -> list[str]:
    """Readable problems, one per statement of ``text`` that the pose's complete posecodes contradict."""
    truth = _Truth.of(codes)
    problems = []
    for statement in read_statements(text):
        for joints in statement.joints:
            problem = _problem(statement, joints, truth)
            if problem is not None and problem not in problems:
                problems.append(problem)
    return problems
