"""Write the canonical skeleton (core/assets/skeleton_anny.json) from the Anny body model's rest pose.

Run ``python -m core.body.export_skeleton`` after changing the Anny rig mapping or upgrading anny.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from core.body.anny_model import AnnyBody
from core.skeleton import DEFAULT_SKELETON_FILE, Skeleton


def anny_skeleton() -> Skeleton:
    """The symmetrized T-pose skeleton of the default Anny body."""
    return AnnyBody().skeleton()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_SKELETON_FILE,
                        help=f"JSON file to write (default: {DEFAULT_SKELETON_FILE})")
    args = parser.parse_args(argv)
    anny_skeleton().to_json(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
