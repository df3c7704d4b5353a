"""``python -m core.posecodes doc [--out DIR]``: regenerate the captioner's doc page and pictures."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("PYOPENGL_PLATFORM", "egl")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.posecodes", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    doc = commands.add_parser("doc", help="write DIR/posecodes.md and DIR/posecodes/*.png (default DIR: docs)")
    doc.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args(argv)
    from core.posecodes.doc import write_doc
    print(write_doc(args.out))


if __name__ == "__main__":
    main()
