"""Command line for the pose spec language.

    python -m core.posespec check FILE.yaml [FILE.yaml ...]   solve every spec, report problems (exit 1 if any)
    python -m core.posespec vocabulary                        list every joint, angle, sign meaning and limit
"""
from __future__ import annotations

import argparse
import sys
import time

from core.posespec.collection import load_specs
from core.posespec.errors import SpecError
from core.posespec.goals import PRESETS, RELATIONS
from core.posespec.solver import solve
from core.posespec.vocabulary import BODY_FIELDS, GROUPS


def _check(paths: list[str], seed: int, verbose: bool) -> int:
    failures = total = 0
    for path in paths:
        try:
            specs = load_specs(path)
        except (OSError, SpecError) as exc:
            print(f"{path}: {exc}")
            failures += 1
            continue
        for name, spec in specs:
            total += 1
            start = time.perf_counter()
            try:
                result = solve(spec, seed=seed, name=name)
                problems = result.problems
            except SpecError as exc:
                problems = exc.problems
            ms = (time.perf_counter() - start) * 1000
            if problems:
                failures += 1
                print(f"FAIL {path}: {name}")
                for problem in problems:
                    print(f"     - {problem}")
            elif verbose:
                print(f"ok   {path}: {name} ({ms:.0f} ms)")
    print(f"{total - failures if total else 0}/{total} specs solved without problems")
    return 1 if failures else 0


def _vocabulary() -> None:
    for group in GROUPS.values():
        print(f"{group.key}: {group.description}")
        for angle in group.angles:
            names = angle.name + (f" / -{angle.negative}" if angle.negative else "")
            names += "".join(f" (alias {a})" for a in angle.aliases)
            print(f"    {names:45s} [{angle.limits[0]:g}, {angle.limits[1]:g}]  + = {angle.meaning}")
    print("body:")
    for field in BODY_FIELDS.values():
        print(f"    {field.name:14s} {field.meaning}")
    print("goal relations: " + "; ".join(f"{k}: {v}" for k, v in RELATIONS.items()))
    for key, presets in PRESETS.items():
        print(f"goal presets for {key}: {', '.join(presets)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.posespec", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="solve every spec in YAML files and report all problems")
    check.add_argument("files", nargs="+", help="YAML files: a spec, a list or mapping of specs, or seed files")
    check.add_argument("--seed", type=int, default=0, help="IK seed (default 0)")
    check.add_argument("-v", "--verbose", action="store_true", help="also list specs that solved cleanly")
    commands.add_parser("vocabulary", help="print every joint, angle, sign convention and limit")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.files, args.seed, args.verbose)
    _vocabulary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
