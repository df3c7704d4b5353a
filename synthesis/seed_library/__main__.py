"""Command line for the seed pose library: check the gates, list closest pairs, draw the split, render sheets.

    python -m synthesis.seed_library check [--category SLUG ...]
    python -m synthesis.seed_library pairs [--top 20]
    python -m synthesis.seed_library split [--seed 0]
    python -m synthesis.seed_library sheet [--category SLUG ...] [--out docs/seed]
    python -m synthesis.seed_library stats
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthesis.seed_library.records import CATEGORIES, SeedLibraryError, load_library
from synthesis.seed_library.review import closest_pairs, near_duplicate_failures, pose_failures
from synthesis.seed_library.solving import solve_library
from synthesis.seed_library.split import (
    SPLIT_FILE,
    draw_split,
    load_split,
    split_problems,
    write_split,
)

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs" / "seed"


def _solved(categories: list[str] | None):
    library = load_library(categories=categories)
    return library, solve_library(library)


def cmd_check(args: argparse.Namespace) -> int:
    """Run every gate; print failures and exit 1 if there are any."""
    library, solved = _solved(args.category)
    failures = pose_failures(solved) + near_duplicate_failures(closest_pairs(solved))
    if SPLIT_FILE.exists() and args.category is None:
        failures_split = split_problems(library, load_split())
        for problem in failures_split:
            print(f"[split] {problem}")
        failures += failures_split
    for failure in failures:
        print(failure)
    print(f"{len(library.actions)} actions, {len(solved)} poses in {len(library.categories)} categories: "
          f"{'all gates green' if not failures else f'{len(failures)} failures'}")
    return 1 if failures else 0


def cmd_pairs(args: argparse.Namespace) -> int:
    """Print the closest pairs of actions by MPJPE."""
    _, solved = _solved(args.category)
    for pair in closest_pairs(solved, args.top):
        print(pair)
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    """Draw the unseen split for every category not yet recorded (existing entries are kept)."""
    library = load_library()
    existing = load_split() if SPLIT_FILE.exists() else {}
    if args.redraw:
        existing = {}
    missing = [c for c in library.categories if c not in existing]
    if not missing:
        print(f"{SPLIT_FILE}: every category already has its unseen actions; nothing drawn")
        return 0
    drawn = draw_split(load_library(categories=missing), args.seed)
    write_split({**existing, **drawn}, args.seed, SPLIT_FILE)
    for category in missing:
        print(f"{category}: {', '.join(drawn[category])}")
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    """Render one contact sheet per category into the output directory."""
    from synthesis.seed_library.sheets import save_contact_sheet  # rendering stack only when needed

    library, solved = _solved(args.category)
    for category in library.categories:
        slug = next(s for s, name in CATEGORIES.items() if name == category)
        items = [s for s in solved if s.action.category == category]
        path = save_contact_sheet(items, f"{category}: {len({s.action.label for s in items})} actions, "
                                         f"{len(items)} key poses", args.out / f"{slug}.png")
        print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Counts per category: actions, poses, actions with a second variant, flagged poses."""
    library = load_library()
    for category in library.categories:
        actions = library.by_category(category)
        poses = sum(len(a.poses) for a in actions)
        multi = sum(len(a.poses) > 1 for a in actions)
        print(f"{category:30s} {len(actions):3d} actions {poses:4d} poses {multi:3d} with variants")
    print(f"{'total':30s} {len(library.actions):3d} actions {library.pose_count:4d} poses")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m synthesis.seed_library", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    category_help = f"category slug (repeatable; default all): {', '.join(CATEGORIES)}"
    check = sub.add_parser("check", help="solve every pose and run the quality gates")
    check.add_argument("--category", action="append", help=category_help)
    check.set_defaults(func=cmd_check)
    pairs = sub.add_parser("pairs", help="closest pairs of actions by MPJPE (mirrors included)")
    pairs.add_argument("--category", action="append", help=category_help)
    pairs.add_argument("--top", type=int, default=20, help="how many pairs to print (default 20)")
    pairs.set_defaults(func=cmd_pairs)
    split = sub.add_parser("split", help="draw the unseen split for categories not yet in data/seed/split.yaml")
    split.add_argument("--seed", type=int, default=0, help="random seed of the draw (default 0)")
    split.add_argument("--redraw", action="store_true", help="discard the recorded split and draw all again")
    split.set_defaults(func=cmd_split)
    sheet = sub.add_parser("sheet", help="render per-category contact sheets (PNG)")
    sheet.add_argument("--category", action="append", help=category_help)
    sheet.add_argument("--out", type=Path, default=DOCS_DIR, help=f"output directory (default {DOCS_DIR})")
    sheet.set_defaults(func=cmd_sheet)
    stats = sub.add_parser("stats", help="counts per category")
    stats.set_defaults(func=cmd_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SeedLibraryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
