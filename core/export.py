"""Posed body meshes to files with trimesh: GLB (for the browser's 3D viewer), OBJ and PLY."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import trimesh

from core.body import BodyModel, load_body_model
from core.pose import Pose

MESH_FORMATS = ("glb", "obj", "ply")
MESH_COLOR = (205, 194, 184, 255)


def pose_mesh(pose: Pose, body_model: BodyModel | None = None) -> trimesh.Trimesh:
    """The first pose of a batch as a trimesh mesh in project coordinates (y up, facing +z)."""
    model = body_model or load_body_model()
    with torch.no_grad():
        vertices = model.forward(pose[0]).vertices[0].cpu().numpy().astype(np.float64)
    mesh = trimesh.Trimesh(vertices, model.faces, process=False)
    mesh.visual.vertex_colors = np.tile(MESH_COLOR, (len(vertices), 1))
    return mesh


def export_mesh(mesh: trimesh.Trimesh, path: str | Path) -> Path:
    """Write a mesh; the format follows the suffix (.glb, .obj or .ply). Parent directories are created."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in MESH_FORMATS:
        raise ValueError(f"{path}: unsupported mesh format {path.suffix!r}; use one of .glb, .obj, .ply")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    mesh.export(temporary, file_type=kind)
    temporary.replace(path)  # never leave a half-written file under the final name
    return path


def export_pose(pose: Pose, path: str | Path, body_model: BodyModel | None = None) -> Path:
    """Pose the body model and write the mesh to ``path`` (.glb, .obj or .ply)."""
    return export_mesh(pose_mesh(pose, body_model), path)
