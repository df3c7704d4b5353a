"""Solving seed pose specs to Poses, cached on disk by content hash (spec + seed + solver sources)."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch
from tqdm import tqdm

import core
from core.pose import Pose
from core.posespec.errors import SpecError
from core.posespec.solver import solve
from synthesis.seed_library.records import SeedAction, SeedLibrary, SeedLibraryError, SeedPose

SOLVE_SEED = 0
CACHE_ENV = "COTPOSE_SEED_CACHE"
_CORE_DIR = Path(core.__file__).resolve().parent
# Everything a solved pose depends on besides its spec: the spec solver, the body points its goals use,
# forward kinematics, ground placement and the canonical skeleton.
_SOLVER_SOURCES = (
    *sorted((_CORE_DIR / "posespec").glob("*.py")),
    _CORE_DIR / "posecodes" / "points.py",
    _CORE_DIR / "kinematics.py",
    _CORE_DIR / "placement.py",
    _CORE_DIR / "skeleton.py",
    *sorted((_CORE_DIR / "assets").glob("skeleton*.json")),
)


@dataclass(frozen=True)
class SolvedPose:
    """A seed pose solved to SMPL parameters (placed on the ground) with the solver's problem reports."""

    action: SeedAction
    seed_pose: SeedPose
    pose: Pose
    problems: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.action.category} / {self.action.label!r} / {self.seed_pose.variant!r}"


@lru_cache(maxsize=1)
def solver_fingerprint() -> str:
    """Hash of the solver's source files; a change to any of them invalidates every cached pose."""
    digest = hashlib.sha256()
    for path in _SOLVER_SOURCES:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def spec_key(spec: dict, seed: int = SOLVE_SEED) -> str:
    """Content hash of one spec and the solve seed."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{seed}:{text}".encode()).hexdigest()


def default_cache_path() -> Path:
    """``$COTPOSE_SEED_CACHE`` or ``~/.cache/cot-pose-studio/seed_poses-<solver fingerprint>.json``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path.home() / ".cache" / "cot-pose-studio" / f"seed_poses-{solver_fingerprint()}.json"


def _load_cache(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        payload = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}  # a damaged cache is only a cache: solve again
    if payload.get("solver") != solver_fingerprint():
        return {}
    return payload.get("poses", {})


def _write_cache(path: Path, entries: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"solver": solver_fingerprint(), "poses": entries}))
    tmp.replace(path)


def _solve_one(action: SeedAction, seed_pose: SeedPose) -> dict:
    try:
        result = solve(seed_pose.spec, seed=SOLVE_SEED, name=f"{action.label} / {seed_pose.variant}")
    except SpecError as exc:
        raise SeedLibraryError(f"{action.category} / {action.label!r} / {seed_pose.variant!r}: {exc}") from exc
    pose = result.pose
    return {"full": pose.full[0].flatten().tolist(), "transl": pose.transl[0].tolist(),
            "problems": list(result.problems)}


def solve_library(library: SeedLibrary, cache_path: Path | None = None, progress: bool = True) -> list[SolvedPose]:
    """Solve every pose of the library (in order), reusing cached solutions whose content hash matches."""
    cache_path = cache_path or default_cache_path()
    cache = _load_cache(cache_path)
    todo = [(a, p) for a in library.actions for p in a.poses if spec_key(p.spec) not in cache]
    for action, seed_pose in tqdm(todo, desc="solving seed poses", disable=not progress or not todo):
        cache[spec_key(seed_pose.spec)] = _solve_one(action, seed_pose)
    if todo:
        _write_cache(cache_path, cache)
    solved = []
    for action in library.actions:
        for seed_pose in action.poses:
            entry = cache[spec_key(seed_pose.spec)]
            pose = Pose.from_full(torch.tensor(entry["full"]).reshape(1, 24, 3)).with_transl(
                torch.tensor(entry["transl"]).reshape(1, 3))
            solved.append(SolvedPose(action, seed_pose, pose, tuple(entry["problems"])))
    return solved
