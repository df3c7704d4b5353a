"""Image stage: the diffusers FLUX + LoRA path on tiny random components, and the offline render backend."""
import io

import pytest
from PIL import Image

from core.pose import Pose
from synthesis.image_backends import PAPER_SUFFIX, FluxLoraImage, RenderImage, mirror_png
from synthesis.tiny_flux import write_tiny_flux


@pytest.fixture(scope="module")
def tiny_flux(tmp_path_factory):
    return write_tiny_flux(tmp_path_factory.mktemp("flux"))


def backend(pipeline_dir, lora_dir=None, scale=1.0):
    return FluxLoraImage(model_path=str(pipeline_dir), lora_path=lora_dir and str(lora_dir), lora_scale=scale,
                         height=32, width=32, steps=2, max_sequence_length=96, device="cpu", dtype="float32")


def pixels(png):
    return list(Image.open(io.BytesIO(png)).convert("RGB").get_flattened_data())


def test_flux_lora_backend_runs_the_diffusers_pipeline_from_local_weights(tiny_flux):
    pipeline_dir, lora_dir = tiny_flux
    with_lora = backend(pipeline_dir, lora_dir)
    png = with_lora.image("Generate the pose of juggling", "juggling", None, seed=3)
    image = Image.open(io.BytesIO(png))
    assert image.size == (32, 32) and image.format == "PNG"
    assert with_lora.prompt_for("juggling") == f"Super Realism, a full-length photo of a person juggling. {PAPER_SUFFIX}"
    assert png == with_lora.image("", "juggling", None, seed=3)  # seeded: reproducible
    # the LoRA is really applied: the same seed without it gives another image
    assert pixels(png) != pixels(backend(pipeline_dir).image("", "juggling", None, seed=3))


def test_flux_backend_names_missing_weights(tmp_path):
    with pytest.raises(FileNotFoundError, match="FLUX weights not found at .*nowhere"):
        backend(tmp_path / "nowhere").image("", "x", None, 0)


def test_render_backend_draws_the_pose_and_mirror_flips(tmp_path):
    png = RenderImage(size=96).image("", "standing", Pose.zeros(1), seed=0)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (96, 96)
    background = image.getpixel((0, 0))
    assert sum(1 for p in image.get_flattened_data() if p != background) > 200  # a figure is drawn
    flipped = Image.open(io.BytesIO(mirror_png(png))).convert("RGB")
    assert flipped.getpixel((95, 50)) == image.getpixel((0, 50))
    with pytest.raises(ValueError, match="needs the pose"):
        RenderImage().image("", "standing", None, 0)
