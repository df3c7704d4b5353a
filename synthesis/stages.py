"""The stage registry: backend names usable in a config, per stage, and how a stage is built from its options."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from synthesis.config import ConfigError, StageConfig, SynthesisConfig


def _registry() -> dict[str, dict[str, type]]:
    from synthesis.augment import Augmenter
    from synthesis.captioning import PosecodesCaptioner
    from synthesis.image_backends import FluxLoraImage, NoImage, RenderImage
    from synthesis.pose_sources import CommandEstimatorPose, SeedSpecPose
    from synthesis.prompt_sources import SeedLibraryPrompts
    from synthesis.refine_llm import LLMRefiner
    from synthesis.refine_rules import RuleRefiner

    return {
        "prompts": {"seed_library": SeedLibraryPrompts},
        "image": {"render": RenderImage, "flux_lora": FluxLoraImage, "none": NoImage},
        "pose": {"seed_spec": SeedSpecPose, "smplx_command": CommandEstimatorPose},
        "caption": {"posecodes": PosecodesCaptioner},
        "refine": {"rules": RuleRefiner, "llm": LLMRefiner},
        "augment": {"standard": Augmenter},
    }


STAGE_VERSION = 1
"""Bumped when a stage's output for the same input changes; recorded in every sample's provenance."""


def build_stage(stage: str, config: StageConfig) -> Any:
    """Instantiate a stage backend; unknown backends and options are errors that list what is allowed."""
    backends = _registry()[stage]
    cls = backends.get(config.backend)
    if cls is None:
        raise ConfigError(f"stages.{stage}: unknown backend {config.backend!r}; known: {sorted(backends)}")
    allowed = {f.name for f in dataclasses.fields(cls) if f.init and f.name != "name"}
    unknown = set(config.options) - allowed
    if unknown:
        raise ConfigError(f"stages.{stage} ({config.backend}): unknown options {sorted(unknown)}; "
                          f"allowed: {sorted(allowed)}")
    return cls(**config.options)


@dataclass
class Stages:
    """The six built stages of a run and the provenance entry each writes into samples."""

    prompts: Any
    image: Any
    pose: Any
    caption: Any
    refine: Any
    augment: Any
    config: SynthesisConfig

    @classmethod
    def from_config(cls, config: SynthesisConfig) -> "Stages":
        return cls(**{name: build_stage(name, stage) for name, stage in config.stages.items()}, config=config)

    def provenance(self) -> dict[str, dict[str, Any]]:
        """{stage: {backend, config, version}} for every stage."""
        return {name: {"backend": stage.backend, "config": dict(stage.options), "version": STAGE_VERSION}
                for name, stage in self.config.stages.items()}
