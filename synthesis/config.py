"""The synthesis run configuration: which backend each stage uses, with its options, read from YAML.

A config file looks like::

    output: data/synthesis/offline          # output directory (``--out`` overrides)
    seed: 0
    workers: 2                              # processes for the per-pose work; 0 = in this process
    batch_size: 16                          # poses per fsync'd batch
    stages:
      prompts:  {backend: seed_library, options: {}}
      image:    {backend: render, options: {size: 256}}
      pose:     {backend: seed_spec, options: {}}
      caption:  {backend: posecodes, options: {n: 2}}
      refine:   {backend: rules, options: {}}
      augment:  {backend: standard, options: {mirror: true, variations: 1}}
    to_store: false                         # also import the result into the annotation store

Every stage must be present; unknown keys are errors (a typo must not silently fall back to a default).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STAGE_NAMES = ("prompts", "image", "pose", "caption", "refine", "augment")
_TOP_LEVEL_KEYS = {"output", "seed", "workers", "batch_size", "stages", "to_store"}


class ConfigError(ValueError):
    """The configuration file is unreadable or names an unknown key, stage or backend."""


@dataclass(frozen=True)
class StageConfig:
    """One stage: the backend's registered name and its keyword options."""

    backend: str
    options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "options": dict(self.options)}


@dataclass(frozen=True)
class SynthesisConfig:
    """A whole run: output directory, seed, parallelism and the six stages."""

    output: Path
    stages: dict[str, StageConfig]
    seed: int = 0
    workers: int = 0
    batch_size: int = 16
    to_store: bool = False
    source_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form recorded in the output manifest."""
        return {
            "output": str(self.output), "seed": self.seed, "workers": self.workers, "batch_size": self.batch_size,
            "to_store": self.to_store, "stages": {name: stage.as_dict() for name, stage in self.stages.items()},
        }


def _stage_from(raw: Any, name: str, source: str) -> StageConfig:
    if not isinstance(raw, dict) or not isinstance(raw.get("backend"), str):
        raise ConfigError(f"{source}: stages.{name} must be a mapping with a 'backend' name")
    unknown = set(raw) - {"backend", "options"}
    if unknown:
        raise ConfigError(f"{source}: stages.{name} has unknown keys {sorted(unknown)}")
    options = raw.get("options") or {}
    if not isinstance(options, dict):
        raise ConfigError(f"{source}: stages.{name}.options must be a mapping")
    return StageConfig(raw["backend"], dict(options))


def config_from_dict(raw: Any, source: str = "<config>") -> SynthesisConfig:
    """Validate a parsed config mapping; errors name the source and the offending key."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping")
    unknown = set(raw) - _TOP_LEVEL_KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown keys {sorted(unknown)}; allowed: {sorted(_TOP_LEVEL_KEYS)}")
    stages_raw = raw.get("stages")
    if not isinstance(stages_raw, dict):
        raise ConfigError(f"{source}: 'stages' must be a mapping of {', '.join(STAGE_NAMES)}")
    missing = [s for s in STAGE_NAMES if s not in stages_raw]
    extra = sorted(set(stages_raw) - set(STAGE_NAMES))
    if missing or extra:
        raise ConfigError(f"{source}: stages missing {missing} / unknown {extra}")
    for key, kind in (("seed", int), ("workers", int), ("batch_size", int), ("to_store", bool)):
        if key in raw and not isinstance(raw[key], kind):
            raise ConfigError(f"{source}: '{key}' must be {kind.__name__}, got {raw[key]!r}")
    if raw.get("batch_size", 16) < 1 or raw.get("workers", 0) < 0:
        raise ConfigError(f"{source}: batch_size must be >= 1 and workers >= 0")
    return SynthesisConfig(
        output=Path(raw.get("output", "data/synthesis/out")),
        stages={name: _stage_from(stages_raw[name], name, source) for name in STAGE_NAMES},
        seed=raw.get("seed", 0), workers=raw.get("workers", 0), batch_size=raw.get("batch_size", 16),
        to_store=raw.get("to_store", False), source_file=source,
    )


def load_config(path: str | Path) -> SynthesisConfig:
    """Read and validate a YAML config file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    return config_from_dict(raw, str(path))
