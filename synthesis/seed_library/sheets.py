"""Per-category contact sheets of the seed library: every key pose rendered front and side, labelled below."""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from core.render import render_pose
from synthesis.seed_library.solving import SolvedPose

VIEW_SIZE = 170  # pixels per view; each figure shows a front and a side view
COLUMNS = 5
CAPTION_HEIGHT = 34
PALETTE_COLORS = 96  # the sheet is stored as a palette PNG to stay small


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "...", font=font) > width:
        text = text[:-1]
    return text + "..."


def contact_sheet(solved: list[SolvedPose], title: str, progress: bool = True) -> Image.Image:
    """One image with every pose (front + side views), its label and, in grey, its variant and flags."""
    cell_w, cell_h = 2 * VIEW_SIZE, VIEW_SIZE + CAPTION_HEIGHT
    rows = math.ceil(len(solved) / COLUMNS)
    header = 30
    sheet = Image.new("RGB", (COLUMNS * cell_w, header + rows * cell_h), "white")
    draw = ImageDraw.Draw(sheet)
    label_font, variant_font = _font(13), _font(11)
    draw.text((8, 6), title, fill="black", font=_font(17))
    for index, item in enumerate(tqdm(solved, desc=f"rendering {title}", disable=not progress)):
        x, y = (index % COLUMNS) * cell_w, header + (index // COLUMNS) * cell_h
        sheet.paste(render_pose(item.pose, size=VIEW_SIZE), (x, y))
        flags = f" [{', '.join(sorted(item.seed_pose.flags))}]" if item.seed_pose.flags else ""
        draw.text((x + 6, y + VIEW_SIZE + 2), _fit(draw, item.action.label, label_font, cell_w - 12),
                  fill="black", font=label_font)
        draw.text((x + 6, y + VIEW_SIZE + 18), _fit(draw, item.seed_pose.variant + flags, variant_font, cell_w - 12),
                  fill=(100, 100, 100), font=variant_font)
        draw.rectangle([x, y, x + cell_w - 1, y + cell_h - 1], outline=(225, 225, 225))
    return sheet


def save_contact_sheet(solved: list[SolvedPose], title: str, path: Path, progress: bool = True) -> Path:
    """Render and write a contact sheet as a small palette PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = contact_sheet(solved, title, progress).quantize(PALETTE_COLORS, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    return path
