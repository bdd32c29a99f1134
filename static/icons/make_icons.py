"""Draws the field app's icons (PNG) with Pillow: `python static/icons/make_icons.py`.

The PNGs are committed next to this script; run it again only to change the design.
A green tile with a white house and a check mark: the juror's RT, scored.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (20, 108, 67)  # --bantar-green
WHITE = (255, 255, 255)
HERE = Path(__file__).resolve().parent


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    """The icon at `size` px; a maskable icon keeps its drawing inside the 80 % safe zone."""
    image = Image.new("RGB", (size, size), GREEN)
    draw = ImageDraw.Draw(image)
    unit = size / 100
    inset = 10 if maskable else 0  # percent of the edge left free for the mask

    def box(x: float, y: float) -> tuple[float, float]:
        scale = (100 - 2 * inset) / 100
        return ((inset + x * scale) * unit, (inset + y * scale) * unit)

    roof = [box(16, 48), box(50, 18), box(84, 48)]
    draw.polygon(roof, fill=WHITE)
    draw.rectangle([box(26, 46), box(74, 82)], fill=WHITE)
    tick = [box(36, 63), box(47, 73), box(66, 52)]
    draw.line(tick, fill=GREEN, width=max(2, round(7 * unit * (100 - 2 * inset) / 100)))
    return image


def main() -> None:
    for size in (192, 512):
        draw_icon(size, maskable=False).save(HERE / f"bantar-{size}.png", optimize=True)
    draw_icon(512, maskable=True).save(HERE / "bantar-maskable-512.png", optimize=True)
    draw_icon(180, maskable=False).save(HERE / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
