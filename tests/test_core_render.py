"""Headless rendering (real pyrender/EGL), mesh export and contact sheets."""
import math

import numpy as np
import pytest
import trimesh
from PIL import Image

from core.body import load_body_model
from core.canonical_poses import canonical_pose
from core.contact_sheet import main as contact_sheet_main
from core.contact_sheet import make_contact_sheet
from core.export import export_pose
from core.pose import Pose
from core.pose_io import save_json, save_npz
from core.render import render_pose


@pytest.fixture(scope="module")
def anny():
    return load_body_model("anny")


def body_mask(image: Image.Image) -> np.ndarray:
    """Pixels that are not the white background (rendered without a floor)."""
    return (np.asarray(image).astype(int) < 235).any(axis=-1)


def upside_down() -> Pose:
    return Pose.from_params([0.0, 0.0, math.pi], [0.0] * 69)


@pytest.mark.parametrize("pose_name", ["T-pose", "lying on back", "arms up", "upside down"])
def test_body_is_framed_whatever_the_pose(anny, pose_name):
    pose = upside_down() if pose_name == "upside down" else canonical_pose(pose_name)
    image = render_pose(pose, size=160, views=("front", "side"), body_model=anny, floor=False)
    assert image.size == (320, 160)
    for view in (image.crop((0, 0, 160, 160)), image.crop((160, 0, 320, 160))):
        mask = body_mask(view)
        rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        assert 0.02 < mask.mean() < 0.6, f"{pose_name}: body covers {mask.mean():.3f} of the frame"
        assert rows.min() > 0 and cols.min() > 0 and rows.max() < 159 and cols.max() < 159  # not cut off
        assert max(rows.max() - rows.min(), cols.max() - cols.min()) > 0.7 * 160  # and fills the frame


def test_front_view_shows_left_side_on_the_image_right(anny):
    image = np.asarray(render_pose(canonical_pose("A-pose"), size=160, views=("front",), body_model=anny,
                                   floor=False)).astype(int)
    blue = (image[..., 2] - image[..., 0]) > 40
    orange = (image[..., 0] - image[..., 2]) > 40
    assert blue.sum() > 200 and orange.sum() > 200
    assert np.nonzero(blue)[1].mean() > np.nonzero(orange)[1].mean() + 20


def test_floor_is_drawn_under_the_feet(anny):
    with_floor = np.asarray(render_pose(Pose.zeros(1), size=128, views=("front",), body_model=anny))
    without = np.asarray(render_pose(Pose.zeros(1), size=128, views=("front",), body_model=anny, floor=False))
    assert (with_floor[-5:] != without[-5:]).any(axis=-1).mean() > 0.9


def test_unknown_view_is_rejected(anny):
    with pytest.raises(ValueError, match="unknown view 'top'"):
        render_pose(Pose.zeros(1), size=64, views=("top",), body_model=anny)


@pytest.mark.parametrize("suffix", [".glb", ".obj", ".ply"])
def test_mesh_export_loads_back(anny, tmp_path, suffix):
    path = export_pose(canonical_pose("lunge"), tmp_path / "sub" / f"lunge{suffix}", body_model=anny)
    mesh = trimesh.load(path, force="mesh", process=False)
    assert len(mesh.vertices) == 13718 and len(mesh.faces) == len(anny.faces)
    posed = anny.forward(canonical_pose("lunge")).vertices[0].detach().numpy()
    np.testing.assert_allclose(mesh.vertices, posed, atol=1e-4)


def test_export_rejects_unknown_format_without_writing(anny, tmp_path):
    with pytest.raises(ValueError, match="unsupported mesh format '.stl'"):
        export_pose(Pose.zeros(1), tmp_path / "body.stl", body_model=anny)
    assert not list(tmp_path.iterdir())


def test_contact_sheet_grid_and_labels_check(anny):
    poses = Pose.cat([canonical_pose(n) for n in ("T-pose", "kneeling", "lunge")])
    sheet = make_contact_sheet(poses, ["a", "b", "c"], columns=2, size=64, views=("front",), body_model=anny)
    assert sheet.size[0] == 128 and sheet.size[1] > 128
    with pytest.raises(ValueError, match="2 labels for 3 poses"):
        make_contact_sheet(poses, ["a", "b"], body_model=anny)


def test_contact_sheet_cli_reads_pose_files(tmp_path, capsys):
    save_json(tmp_path / "one.json", canonical_pose("sitting"))
    save_npz(tmp_path / "two.npz", Pose.cat([canonical_pose("squatting"), canonical_pose("arms up")]))
    output = tmp_path / "sheet.png"
    contact_sheet_main([str(tmp_path / "one.json"), str(tmp_path / "two.npz"), "-o", str(output), "--size", "48",
                        "--columns", "3"])
    assert Image.open(output).size[0] == 3 * 2 * 48
    assert "3 poses" in capsys.readouterr().out
    (tmp_path / "bad.txt").write_text("x")
    with pytest.raises(SystemExit):
        contact_sheet_main([str(tmp_path / "bad.txt"), "-o", str(output)])
    assert "unsupported pose file type '.txt'" in capsys.readouterr().err

