"""Files the app shows and offers for download for one pose: GLB mesh, PNG render, SMPL .npz and .json."""
from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core.pose import Pose
from core.pose_io import save_json, save_npz

RENDER_SIZE = 384


@dataclass(frozen=True)
class PoseAssets:
    glb: str
    png: str
    npz: str
    json: str


class OutputArea:
    """A directory of per-request folders; folders older than ``max_age_s`` are removed as new ones are made."""

    def __init__(self, root: Path, max_age_s: float = 3600.0) -> None:
        self.root = root
        self.max_age_s = max_age_s
        # pyrender's offscreen EGL context stays current in the thread that made it, and Gradio runs handlers
        # on a pool of threads: every render goes through this one thread.
        self._gl_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        root.mkdir(parents=True, exist_ok=True)

    def _fresh_dir(self) -> Path:
        cutoff = time.time() - self.max_age_s
        for old in self.root.iterdir():
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(dir=self.root))

    def write(self, pose: Pose, stem: str) -> PoseAssets:
        """Write mesh, render and parameter files for a single pose into a new folder."""
        from core.export import export_pose
        from core.render import render_pose

        folder = self._fresh_dir()
        paths = PoseAssets(*(str(folder / f"{stem}.{ext}") for ext in ("glb", "png", "npz", "json")))
        export_pose(pose, paths.glb)
        image = self._gl_thread.submit(render_pose, pose, size=RENDER_SIZE).result()
        _save_image(image, paths.png)
        save_npz(paths.npz, pose)
        save_json(paths.json, pose)
        return paths


def _save_image(image, path: str) -> None:
    from PIL import Image

    (image if isinstance(image, Image.Image) else Image.fromarray(image)).save(path)
