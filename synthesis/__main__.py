"""``python -m synthesis``: run the synthesis pipeline, or import AMASS + PoseScript + BABEL into triplets."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synthesis.config import ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m synthesis", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the pipeline (resumable; a rerun adds nothing twice)")
    run.add_argument("--config", required=True, type=Path, help="YAML config, e.g. synthesis/configs/offline.yaml")
    run.add_argument("--limit", type=int, help="process only the first N work items (key poses)")
    run.add_argument("--out", type=Path, help="output directory (overrides 'output' in the config)")
    run.add_argument("--workers", type=int, help="worker processes (overrides 'workers'; 0 = in this process)")
    run.add_argument("--to-store", action="store_true", help="then import the output into the annotation store")
    run.add_argument("--database-url", help="store database URL (default: $DATABASE_URL or the data directory)")

    imp = commands.add_parser("import-amass", help="align AMASS frames, PoseScript captions and BABEL labels")
    imp.add_argument("--amass-root", required=True, type=Path, help="folder holding the AMASS sequence folders")
    imp.add_argument("--posescript-ids", required=True, type=Path,
                     help="ids_2_dataset_sequence_and_frame_index*.json")
    imp.add_argument("--captions", required=True, type=Path, nargs="+",
                     help="PoseScript caption files (human first, then automatic)")
    imp.add_argument("--babel", required=True, type=Path, nargs="+", help="BABEL train.json/val.json files")
    imp.add_argument("--out", required=True, type=Path, help="output directory")
    imp.add_argument("--keep-duplicates", action="store_true", help="keep every pose, not one per action label")
    return parser


def _run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from synthesis.pipeline import run
    from synthesis.to_store import import_into_store

    config = load_config(args.config)
    if args.workers is not None:
        config = replace(config, workers=args.workers)
    try:
        summary = run(config, limit=args.limit, output=args.out)
    except KeyboardInterrupt:
        print("interrupted: finished batches are saved; rerun the same command to resume", file=sys.stderr)
        return 130
    print(f"{summary.output}: {summary.added} samples added from {summary.items - summary.skipped_items} poses "
          f"({summary.skipped_items} already done); {summary.total} samples in total")
    if args.to_store or config.to_store:
        result = import_into_store(summary.output, args.database_url)
        print(f"store: {result.inserted} new pending samples, {result.already_present} already present")
    return 0


def _import_amass(args: argparse.Namespace) -> int:
    from synthesis.importers.align import SOURCE, build_triplets
    from synthesis.output import OutputDirectory

    triplets = build_triplets(args.amass_root, args.posescript_ids, args.captions, args.babel,
                              dedupe=not args.keep_duplicates)
    out = OutputDirectory(args.out, {"source": SOURCE, "amass_root": str(args.amass_root),
                                     "posescript_ids": str(args.posescript_ids),
                                     "captions": [str(c) for c in args.captions],
                                     "babel": [str(b) for b in args.babel], "dedupe": not args.keep_duplicates})
    added = out.write_batch(triplets, [])
    print(f"{out.path}: {added} triplets added ({len(triplets)} aligned); {out.count} in total")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args) if args.command == "run" else _import_amass(args)
    except (ConfigError, ValueError, OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
