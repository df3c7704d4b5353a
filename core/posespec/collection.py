"""Finding the specs in a YAML document: one spec, a list of specs, a mapping of named specs, or any nesting
of these where a mapping holds a ``spec:`` key (e.g. the seed library's category files)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from core.posecodes.points import POINT_NAMES
from core.posespec.errors import SpecError
from core.posespec.parse import META_KEYS, SECTION_KEYS, load_yaml, normalise_key
from core.posespec.vocabulary import GROUPS

_SPEC_KEYS = {*GROUPS, *SECTION_KEYS, *META_KEYS}


def _looks_like_spec(node: dict) -> bool:
    """A mapping with a spec key or body-part key, or one of bare numbers (so misspelt joints are reported by the
    parser instead of being skipped)."""
    keys = [normalise_key(k) for k in node]
    return bool(keys) and (any(k in _SPEC_KEYS or k.startswith(("left_", "right_")) or k in POINT_NAMES for k in keys)
                           or all(isinstance(v, (int, float)) for v in node.values()))


def _is_named(node) -> bool:
    return isinstance(node, dict) and any(isinstance(node.get(k), str) for k in ("label", "variant"))


def iter_specs(document, where: str = "") -> Iterator[tuple[str, dict]]:
    """Yield (name, spec) for every spec in a parsed YAML document.

    Names are the mapping keys / list positions leading to the spec; a mapping's ``label`` replaces the path so
    far and its ``variant`` is appended ("waving / high").
    """
    if isinstance(document, list):
        for i, item in enumerate(document):
            yield from iter_specs(item, where if _is_named(item) else f"{where}[{i}]")
    elif isinstance(document, dict):
        if _looks_like_spec(document):
            yield where or str(document.get("name", "spec")), document
            return
        here = document["label"] if isinstance(document.get("label"), str) else where
        if isinstance(document.get("variant"), str):
            here = f"{here} / {document['variant']}" if here else document["variant"]
        if "spec" in document:
            yield here or "spec", document["spec"]
            return
        for key, value in document.items():
            if isinstance(value, (dict, list)):
                yield from iter_specs(value, here if _is_named(document) else (f"{here}.{key}" if here else str(key)))


def specs_from_yaml(text: str, source: str | None = None) -> list[tuple[str, dict]]:
    """All (name, spec) pairs of a YAML text; SpecError if it is not YAML or holds no spec."""
    try:
        document = load_yaml(text)
    except yaml.YAMLError as exc:
        raise SpecError([f"not valid YAML: {exc}"], source) from exc
    specs = list(iter_specs(document))
    if not specs:
        raise SpecError(["no pose spec found in the document"], source)
    return specs


def load_specs(path: str | Path) -> list[tuple[str, dict]]:
    """All (name, spec) pairs of a YAML file."""
    return specs_from_yaml(Path(path).read_text(), str(path))
