"""The seed pose library: 11 categories x 50 actions with authored key poses in the pose spec language.

Load (``load_library``), solve (``solve_library``), gate (``pose_failures``, ``closest_pairs``), split
(``load_split``) and expand with mirrors (``seed_samples``). CLI: ``python -m synthesis.seed_library --help``.
"""
from synthesis.seed_library.records import (
    CATEGORIES,
    PROMPT_PREFIX,
    SeedAction,
    SeedLibrary,
    SeedLibraryError,
    SeedPose,
    load_library,
)
from synthesis.seed_library.review import ClosePair, closest_pairs, near_duplicate_failures, pose_failures
from synthesis.seed_library.samples import SeedSample, seed_samples
from synthesis.seed_library.solving import SolvedPose, solve_library
from synthesis.seed_library.split import load_split

__all__ = [
    "CATEGORIES", "PROMPT_PREFIX", "SeedAction", "SeedLibrary", "SeedLibraryError", "SeedPose", "load_library",
    "ClosePair", "closest_pairs", "near_duplicate_failures", "pose_failures", "SeedSample", "seed_samples",
    "SolvedPose", "solve_library", "load_split",
]
