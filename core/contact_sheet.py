"""Contact sheets: many poses rendered into one labelled PNG grid.

CLI: ``python -m core.contact_sheet poses.npz other.json -o sheet.png`` (every pose of every file), or
``python -m core.contact_sheet --canonical -o docs/foundation/canonical_poses.png``.
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from core.body import BodyModel
from core.canonical_poses import canonical_poses
from core.pose import Pose
from core.pose_io import PoseFileError, load_json, load_npz
from core.render import render_pose

LABEL_HEIGHT_FRACTION = 0.12


def make_contact_sheet(poses: Pose, labels: Sequence[str] | None = None, columns: int = 4, size: int = 256,
                       views: Sequence[str] = ("front", "side"), body_model: BodyModel | None = None,
                       progress: bool = False) -> Image.Image:
    """One image with a cell per pose (its views side by side, ``size`` px each) and its label underneath."""
    labels = list(labels) if labels is not None else [str(i) for i in range(poses.batch_size)]
    if len(labels) != poses.batch_size:
        raise ValueError(f"got {len(labels)} labels for {poses.batch_size} poses")
    if columns < 1 or size < 16:
        raise ValueError("columns must be >= 1 and size >= 16 pixels")
    label_height = max(14, int(size * LABEL_HEIGHT_FRACTION))
    cell_width, cell_height = size * len(views), size + label_height
    rows = -(-poses.batch_size // columns)
    sheet = Image.new("RGB", (cell_width * min(columns, poses.batch_size), cell_height * rows), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=int(label_height * 0.7))
    for i in tqdm(range(poses.batch_size), desc="rendering", disable=not progress):
        x, y = (i % columns) * cell_width, (i // columns) * cell_height
        sheet.paste(render_pose(poses[i], size=size, views=views, body_model=body_model), (x, y))
        draw.text((x + cell_width / 2, y + size + label_height / 2), labels[i], fill="black", font=font, anchor="mm")
        draw.line([(x, y), (x, y + cell_height)], fill=(220, 220, 220))
    return sheet


def load_pose_file(path: Path) -> Pose:
    """A pose batch from a .npz (AMASS/smplx keys) or .json (smpl-pose/v1) file."""
    if path.suffix == ".npz":
        return load_npz(path)
    if path.suffix == ".json":
        return load_json(path)
    raise PoseFileError(f"{path}: unsupported pose file type {path.suffix!r} (use .npz or .json)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render poses into one labelled PNG grid.")
    parser.add_argument("files", nargs="*", type=Path, help="pose files (.npz with AMASS/smplx keys, or .json)")
    parser.add_argument("--canonical", action="store_true", help="render the eight canonical poses")
    parser.add_argument("-o", "--output", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--columns", type=int, default=4, help="cells per row (default 4)")
    parser.add_argument("--size", type=int, default=256, help="pixels per view (default 256)")
    parser.add_argument("--views", nargs="+", default=["front", "side"], help="views per pose (default: front side)")
    args = parser.parse_args(argv)
    if not args.files and not args.canonical:
        parser.error("give pose files or --canonical")
    labels, batches = [], []
    if args.canonical:
        names, poses = canonical_poses()
        labels += names
        batches.append(poses)
    for path in args.files:
        try:
            poses = load_pose_file(path)
        except PoseFileError as exc:
            parser.error(str(exc))
        labels += [path.stem if poses.batch_size == 1 else f"{path.stem}[{i}]" for i in range(poses.batch_size)]
        batches.append(poses.with_transl(None))
    sheet = make_contact_sheet(Pose.cat(batches), labels, args.columns, args.size, args.views, progress=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.output, optimize=True)
    print(f"wrote {args.output} ({len(labels)} poses)")


if __name__ == "__main__":
    main()
