"""Image stage backends: a pyrender render of the pose (offline default) or FLUX.1 + LoRA through diffusers.

Every backend returns PNG bytes and says whether it needs the pose first (a render does; a text-to-image model
does not, and its image then feeds a pose estimator).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from core.pose import Pose

PAPER_TRIGGER = "Super Realism"
PAPER_SUFFIX = "Full body, whole body. From head to feet."


def to_png(image: Any) -> bytes:
    """PNG bytes of a PIL image or an (H, W, 3|4) uint8 array."""
    if not isinstance(image, Image.Image):
        image = Image.fromarray(np.asarray(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def mirror_png(png: bytes) -> bytes:
    """The left-right flipped image (the image of a mirrored pose seen from the front)."""
    return to_png(Image.open(io.BytesIO(png)).transpose(Image.Transpose.FLIP_LEFT_RIGHT))


@dataclass
class RenderImage:
    """Offline default: render the pose with pyrender (core.render); recorded as image_kind "render"."""

    size: int = 256
    views: tuple[str, ...] = ("front",)
    name: str = "render"
    image_kind: str = "render"
    needs_pose: bool = True

    def image(self, prompt: str, action: str, pose: Pose | None, seed: int) -> bytes:
        from core.render import render_pose  # imported late: sets up an EGL context per process

        if pose is None:
            raise ValueError(f"{action!r}: the render backend needs the pose")
        return to_png(render_pose(pose, size=self.size, views=list(self.views)))



@dataclass
class FluxLoraImage:
    """The paper's set-up: FLUX.1 with a style LoRA (Super-Realism: trigger word "Super Realism") and the suffix
    "Full body, whole body. From head to feet." so the whole body is in frame. Loads local weights only."""

    model_path: str
    lora_path: str | None = None
    lora_weight_name: str | None = None
    lora_scale: float = 1.0
    trigger: str = PAPER_TRIGGER
    suffix: str = PAPER_SUFFIX
    prompt_template: str = "{trigger}, a full-length photo of a person {action}. {suffix}"
    height: int = 1024
    width: int = 768
    steps: int = 28
    guidance_scale: float = 3.5
    max_sequence_length: int = 512
    device: str = "cuda"
    dtype: str = "bfloat16"
    name: str = "flux_lora"
    image_kind: str = "generated"
    needs_pose: bool = False
    _pipeline: Any = field(default=None, init=False, repr=False)

    def prompt_for(self, action: str) -> str:
        """The text-to-image prompt for an action label."""
        return self.prompt_template.format(trigger=self.trigger, action=action, suffix=self.suffix).strip()

    def _load(self) -> Any:
        import torch
        from diffusers import FluxPipeline

        if not Path(self.model_path).is_dir():
            raise FileNotFoundError(f"FLUX weights not found at {self.model_path} (a local diffusers directory)")
        pipeline = FluxPipeline.from_pretrained(self.model_path, dtype=getattr(torch, self.dtype),
                                                local_files_only=True)
        if self.lora_path:
            pipeline.load_lora_weights(self.lora_path, weight_name=self.lora_weight_name, adapter_name="style")
            pipeline.set_adapters(["style"], adapter_weights=[self.lora_scale])
        return pipeline.to(self.device)

    def image(self, prompt: str, action: str, pose: Pose | None, seed: int) -> bytes:
        import torch

        if self._pipeline is None:
            self._pipeline = self._load()
        generator = torch.Generator(device="cpu").manual_seed(seed)
        result = self._pipeline(
            self.prompt_for(action), height=self.height, width=self.width, num_inference_steps=self.steps,
            guidance_scale=self.guidance_scale, max_sequence_length=self.max_sequence_length, generator=generator,
        )
        return to_png(result.images[0])



@dataclass
class NoImage:
    """No image stage (image and image_kind stay null)."""

    name: str = "none"
    image_kind: None = None
    needs_pose: bool = False

    def image(self, prompt: str, action: str, pose: Pose | None, seed: int) -> None:
        return None
