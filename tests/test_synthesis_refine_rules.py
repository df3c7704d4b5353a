"""The offline rule-based refiner: opens with the action and keeps every statement of the caption."""
import pytest

from synthesis.action_phrase import purpose_opening
from synthesis.refine_rules import RuleRefiner, split_sentences

CAPTION = ("The person is kneeling on the right knee. The left elbow is bent at a right angle. "
           "The right hand is above the head")


def test_opens_with_the_action_and_keeps_every_statement():
    text = RuleRefiner().refine("proposing marriage", CAPTION, [], None, seed=0)
    assert text.startswith("To propose marriage, the person is kneeling on the right knee.")
    for statement in ("left elbow is bent at a right angle", "right hand is above the head"):
        assert statement in text
    assert text.endswith(".") and "proposing marriage" in text.split(". ")[-1]


def test_caption_without_a_subject_gets_a_grammatical_opening():
    text = RuleRefiner(closing=False).refine("waving", "The right hand is above the head.", [], None, seed=1)
    assert text == "To wave, the person holds the body so that the right hand is above the head."


@pytest.mark.parametrize("label, opening", [
    ("painting on an easel", "To paint on an easel"), ("sitting down on a chair", "To sit down on a chair"),
    ("bobbing and weaving", "To bob and weave"), ("tap dancing", "To tap dance"),
    ("lying on the back", "To lie on the back"), ("dj-ing at the turntables", "To dj at the turntables"),
    ("a salute", "For a salute"),
])
def test_the_gerund_label_opens_as_an_infinitive(label, opening):
    assert purpose_opening(label) == opening


def test_deterministic_per_seed_and_varied_across_seeds():
    refiner = RuleRefiner()
    texts = {refiner.refine("dancing", CAPTION, [], None, seed=s) for s in range(8)}
    assert refiner.refine("dancing", CAPTION, [], None, seed=3) == refiner.refine("dancing", CAPTION, [], None, 3)
    assert len(texts) > 1


def test_sentence_split_and_empty_caption():
    assert split_sentences("A.  B! C") == ["A.", "B!", "C."]
    with pytest.raises(ValueError, match="'x': the caption to refine is empty"):
        RuleRefiner().refine("x", "  ", [], None, 0)
