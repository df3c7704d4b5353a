"""Loading seed files: bad input is rejected with a message naming the file, the action and the field."""
from __future__ import annotations

from pathlib import Path

import pytest

from synthesis.seed_library import SeedLibraryError, load_library
from synthesis.seed_library.records import load_category_file
from synthesis.seed_library.solving import spec_key

GOOD_POSE = {"variant": "arm up", "spec": {"right_shoulder": {"flexion": 170}}}


def _write(directory: Path, slug: str, text: str) -> Path:
    path = directory / f"{slug}.yaml"
    path.write_text(text)
    return path


def _category(name: str, actions: str) -> str:
    return f"category: {name}\nactions:\n{actions}"


ACTION = """  - label: {label}
    poses:
      - variant: arm up
        {extra}spec: {{right_shoulder: {{flexion: 170}}}}
"""


def test_loads_a_valid_file_and_derives_the_prompt(tmp_path):
    path = _write(tmp_path, "dance", _category("Dance", ACTION.format(label="doing a pirouette", extra="")))
    (action,) = load_category_file(path)
    assert action.category == "Dance" and action.slug == "dance"
    assert action.abstract_prompt == "Generate the pose of doing a pirouette"
    assert action.poses[0].variant == "arm up" and action.poses[0].flags == frozenset()


@pytest.mark.parametrize(("text", "message"), [
    (_category("Dances", ACTION.format(label="doing a pirouette", extra="")), "'category' is 'Dances'"),
    (_category("Dance", ACTION.format(label="Doing a Pirouette", extra="")), "lowercase phrase"),
    (_category("Dance", ACTION.format(label="raising the left arm", extra="")), "must not name a side"),
    (_category("Dance", ACTION.format(label="doing a pirouette", extra="flags: [flying]\n        ")),
     "unknown flags ['flying']"),
    (_category("Dance", ACTION.format(label="doing a pirouette", extra="colour: red\n        ")),
     "unknown keys ['colour']"),
    (_category("Dance", ACTION.format(label="doing a pirouette", extra="")
               + ACTION.format(label="doing a pirouette", extra="")), "labels appear twice"),
    ("category: Dance\nactions: [\n", "invalid YAML"),
])
def test_bad_files_raise_naming_the_problem(tmp_path, text, message):
    _write(tmp_path, "dance", text)
    with pytest.raises(SeedLibraryError, match="dance.yaml") as info:
        load_library(tmp_path)
    assert message in str(info.value)


def test_labels_must_be_unique_across_categories(tmp_path):
    _write(tmp_path, "dance", _category("Dance", ACTION.format(label="taking a bow", extra="")))
    _write(tmp_path, "art_and_performance",
           _category("Art and Performance", ACTION.format(label="taking a bow", extra="")))
    with pytest.raises(SeedLibraryError, match="'taking a bow' appears in both"):
        load_library(tmp_path)


def test_alike_must_name_existing_labels(tmp_path):
    text = _category("Dance", ACTION.format(label="doing a pirouette", extra="")).replace(
        "    poses:", "    alike: [doing a plie]\n    poses:", 1)
    _write(tmp_path, "dance", text)
    with pytest.raises(SeedLibraryError, match=r"'alike' names unknown labels \['doing a plie'\]"):
        load_library(tmp_path)


def test_unknown_category_file_is_rejected(tmp_path):
    path = _write(tmp_path, "cooking", _category("Cooking", ACTION.format(label="stirring soup", extra="")))
    with pytest.raises(SeedLibraryError, match="unknown category slug 'cooking'"):
        load_category_file(path)


def test_spec_key_is_a_content_hash():
    assert spec_key({"a": 1, "b": {"c": 2}}) == spec_key({"b": {"c": 2}, "a": 1})
    assert spec_key(GOOD_POSE["spec"]) != spec_key({"right_shoulder": {"flexion": 160}})
    assert spec_key(GOOD_POSE["spec"], seed=0) != spec_key(GOOD_POSE["spec"], seed=1)
