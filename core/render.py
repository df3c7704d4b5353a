"""Headless rendering of posed bodies with pyrender: front and side views, soft light, a floor, auto framing.

EGL is used unless ``PYOPENGL_PLATFORM`` is already set (e.g. "osmesa"); it must be chosen before pyrender is
imported, which this module does. One offscreen renderer is kept per process and reused (calls are serialised).
The body's left side is tinted blue and its right side orange, so left/right can be checked at a glance.
"""
from __future__ import annotations

import os

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")

import threading  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pyrender  # noqa: E402
import torch  # noqa: E402
import trimesh  # noqa: E402
from PIL import Image  # noqa: E402

from core.body import BodyModel, load_body_model  # noqa: E402
from core.pose import Pose  # noqa: E402

# Direction from the body towards the camera for each view; the side view looks at the body's right side,
# so the body faces right in the picture.
VIEW_DIRECTIONS = {
    "front": np.array([0.0, 0.0, 1.0]),
    "side": np.array([-1.0, 0.0, 0.0]),
    "back": np.array([0.0, 0.0, -1.0]),
    "left": np.array([1.0, 0.0, 0.0]),
}
CAMERA_ELEVATION_DEG = 12.0
LOW_BODY_ELEVATION_DEG = 35.0  # for bodies lower than they are wide or long (lying, crawling)
FIELD_OF_VIEW_DEG = 30.0
MARGIN = 1.12
BACKGROUND = (1.0, 1.0, 1.0, 1.0)
BODY_COLOR = np.array([0.80, 0.76, 0.72])
LEFT_TINT = np.array([0.50, 0.66, 0.90])
RIGHT_TINT = np.array([0.93, 0.66, 0.45])
FLOOR_COLOR = (0.86, 0.87, 0.88, 1.0)

_lock = threading.Lock()
_renderer: pyrender.OffscreenRenderer | None = None
_side_weights: dict[int, np.ndarray] = {}


def _get_renderer(width: int, height: int) -> pyrender.OffscreenRenderer:
    global _renderer
    if _renderer is None:
        _renderer = pyrender.OffscreenRenderer(width, height)
    elif (_renderer.viewport_width, _renderer.viewport_height) != (width, height):
        _renderer.viewport_width, _renderer.viewport_height = width, height
    return _renderer


def _look_at(eye: np.ndarray, target: np.ndarray) -> np.ndarray:
    back = (eye - target) / np.linalg.norm(eye - target)
    right = np.cross([0.0, 1.0, 0.0], back)
    right /= np.linalg.norm(right)
    pose = np.eye(4)
    pose[:3, :3] = np.stack([right, np.cross(back, right), back], axis=1)
    pose[:3, 3] = eye
    return pose


def _view_direction(view: str, points: np.ndarray) -> np.ndarray:
    if view not in VIEW_DIRECTIONS:
        raise ValueError(f"unknown view {view!r}; choose from {', '.join(VIEW_DIRECTIONS)}")
    extent = points.max(0) - points.min(0)
    low = extent[1] < 0.6 * max(extent[0], extent[2])
    elevation = np.radians(LOW_BODY_ELEVATION_DEG if low else CAMERA_ELEVATION_DEG)
    horizontal = VIEW_DIRECTIONS[view]
    return horizontal * np.cos(elevation) + np.array([0.0, np.sin(elevation), 0.0])


def framing_camera_pose(points: np.ndarray, view: str, aspect: float) -> np.ndarray:
    """Camera pose (4x4) looking at ``points`` (N, 3) from ``view`` so that all of them fit in the frame."""
    target = (points.min(0) + points.max(0)) / 2
    direction = _view_direction(view, points)
    axes = _look_at(target + direction, target)[:3, :3]
    local = (points - target) @ axes  # coordinates along camera right, up, back
    tan_y = np.tan(np.radians(FIELD_OF_VIEW_DEG) / 2)
    tan_x = tan_y * aspect
    distance = np.max(local[:, 2] + MARGIN * np.maximum(np.abs(local[:, 0]) / tan_x, np.abs(local[:, 1]) / tan_y))
    return _look_at(target + direction * distance, target)


def _side_colors(model: BodyModel) -> np.ndarray:
    """(V, 3) vertex colours: blue on the body's left (+x in the rest pose), orange on its right."""
    key = id(model)
    if key not in _side_weights:
        rest_x = model.forward(Pose.zeros(1)).vertices[0, :, 0].detach().cpu().numpy()
        _side_weights[key] = np.clip(rest_x / 0.06, -1.0, 1.0)
    weight = _side_weights[key][:, None]
    tint = np.where(weight > 0, LEFT_TINT, RIGHT_TINT)
    return BODY_COLOR + np.abs(weight) * (tint - BODY_COLOR)


def _floor_node(points: np.ndarray, height: float) -> pyrender.Node:
    centre = (points.min(0) + points.max(0)) / 2
    extent = float(np.max(points.max(0) - points.min(0))) + 1.5
    box = trimesh.creation.box(extents=(extent, 0.01, extent))
    box.apply_translation((centre[0], height - 0.005, centre[2]))
    material = pyrender.MetallicRoughnessMaterial(baseColorFactor=FLOOR_COLOR, roughnessFactor=0.9, metallicFactor=0.0)
    return pyrender.Node(mesh=pyrender.Mesh.from_trimesh(box, material=material, smooth=False))


def _add_lights(scene: pyrender.Scene, camera_pose: np.ndarray) -> None:
    """Key, fill and rim lights placed relative to the camera, so every view is lit alike."""
    for yaw, pitch, intensity in ((35.0, 40.0, 2.6), (-50.0, 10.0, 1.3), (180.0, 45.0, 1.6)):
        turn = trimesh.transformations.euler_matrix(np.radians(-pitch), np.radians(yaw), 0.0, "ryxz")
        scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=intensity), pose=camera_pose @ turn)


def render_mesh(vertices: np.ndarray, faces: np.ndarray, size: int | tuple[int, int] = 512,
                views: Sequence[str] = ("front", "side"), vertex_colors: np.ndarray | None = None,
                floor_height: float | None = 0.0) -> Image.Image:
    """Render a mesh (metres, y up) from each view; the views are placed side by side, each ``size`` pixels.

    ``floor_height``: y of the floor plane (None: no floor).
    """
    width, height = (size, size) if isinstance(size, int) else size
    vertices = np.asarray(vertices, dtype=np.float64)
    if vertices.ndim != 2 or vertices.shape[1] != 3 or not np.isfinite(vertices).all():
        raise ValueError(f"vertices must be a finite (V, 3) array, got shape {vertices.shape}")
    colors = BODY_COLOR.repeat(len(vertices)).reshape(3, -1).T if vertex_colors is None else vertex_colors
    body = trimesh.Trimesh(vertices, faces, vertex_colors=np.clip(colors, 0, 1), process=False)
    scene = pyrender.Scene(bg_color=BACKGROUND, ambient_light=np.full(3, 0.28))
    scene.add(pyrender.Mesh.from_trimesh(body, smooth=True))
    if floor_height is not None:
        scene.add_node(_floor_node(vertices, floor_height))
    camera = scene.add(pyrender.PerspectiveCamera(yfov=np.radians(FIELD_OF_VIEW_DEG), aspectRatio=width / height))
    points = vertices[:: max(1, len(vertices) // 4000)]
    images = []
    with _lock:
        renderer = _get_renderer(width, height)
        for view in views:
            camera_pose = framing_camera_pose(points, view, width / height)
            scene.set_pose(camera, camera_pose)
            lights = list(scene.light_nodes)
            for light in lights:
                scene.remove_node(light)
            _add_lights(scene, camera_pose)
            color, _ = renderer.render(scene)
            images.append(Image.fromarray(color))
    sheet = Image.new("RGB", (width * len(images), height), "white")
    for i, image in enumerate(images):
        sheet.paste(image, (i * width, 0))
    return sheet


def render_pose(pose: Pose, size: int | tuple[int, int] = 512, views: Sequence[str] = ("front", "side"),
                body_model: BodyModel | None = None, floor: bool = True, side_colors: bool = True) -> Image.Image:
    """Render the first pose of a batch on the body model (default: ``load_body_model()``).

    Without ``pose.transl`` the body is set down so its lowest point touches the floor (y = 0); with it, the
    body is drawn where ``transl`` puts it, over a floor at y = 0.
    """
    model = body_model or load_body_model()
    with torch.no_grad():
        vertices = model.forward(pose[0]).vertices[0].cpu().numpy().astype(np.float64)
    if pose.transl is None:
        vertices[:, 1] -= vertices[:, 1].min()
    colors = _side_colors(model) if side_colors else None
    return render_mesh(vertices, model.faces, size, views, colors, 0.0 if floor else None)


def save_render(pose: Pose, path: str | Path, **options) -> Path:
    """Render a pose (see :func:`render_pose`) and write it as PNG."""
    path = Path(path)
    render_pose(pose, **options).save(path)
    return path
