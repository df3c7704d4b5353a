"""The pose spec language: write a pose in anatomical terms (YAML/JSON), get SMPL parameters.

See docs/pose_spec.md for the language reference.
"""
from core.posespec.collection import load_specs, specs_from_yaml
from core.posespec.errors import SpecError
from core.posespec.parse import ParsedSpec, parse_spec
from core.posespec.solver import SolveResult, solve, solve_spec

__all__ = ["ParsedSpec", "SolveResult", "SpecError", "load_specs", "parse_spec", "solve", "solve_spec",
           "specs_from_yaml"]
