"""Deterministic cover art for the sandbox: a seed-coloured abstract image with the title on it."""

from __future__ import annotations

import colorsys
import functools
import io
import re

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from lib.sandbox.music_plan import rng as _rng

_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "DejaVuSans-Bold.ttf",
)
# Tried first for titles with CJK; DejaVu has no Han glyphs (boxes are acceptable, not pretty).
_CJK_FONTS = tuple(
    "/usr/share/fonts/" + p
    for p in (
        "opentype/noto/NotoSansCJK-Bold.ttc",
        "truetype/wqy/wqy-zenhei.ttc",
        "truetype/wqy/wqy-microhei.ttc",
        "truetype/droid/DroidSansFallbackFull.ttf",
    )
)
_SMOOTH = 320
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def render_cover(seed: str, title: str, size: int = 512, subtitle: str = "") -> bytes:
    """PNG artwork: seed-coloured gradient, soft translucent shapes, legible title and subtitle."""
    r = _rng(seed, "cover")
    palette = _palette(r)
    # The smooth parts (gradient, blurred discs) are drawn at most _SMOOTH px wide and scaled up:
    # at 1024 px that is a fifth of the time, and a cover looks the same (the strokes stay sharp).
    work = min(size, _SMOOTH)
    gradient = Image.fromarray(_gradient(palette, work, float(r.random()) * 2 * np.pi))
    img = _scaled(gradient, size).convert("RGBA")
    img = Image.alpha_composite(img, _shapes(r, palette, size, work))
    img = _caption(img, " ".join(title.split()), " ".join(subtitle.split()))
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG")
    return buf.getvalue()


def _palette(r: np.random.Generator) -> list[tuple[int, int, int]]:
    hue = float(r.random())
    offsets = ((0, 0.08, 0.16), (0, 0.5, 0.58), (0, 0.33, 0.66), (0, -0.1, 0.45))[int(r.integers(4))]
    sat, val = r.uniform(0.45, 0.85, 3), r.uniform(0.35, 0.95, 3)
    return [tuple(int(255 * c) for c in colorsys.hsv_to_rgb((hue + o) % 1, s, v)) for o, s, v in zip(offsets, sat, val)]


def _gradient(palette, size: int, angle: float) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size] / max(size - 1, 1) - 0.5
    t = 0.5 + (xx * np.cos(angle) + yy * np.sin(angle)) / (abs(np.cos(angle)) + abs(np.sin(angle)))
    rgb = np.stack([np.interp(t, (0, 0.5, 1), [c[k] for c in palette]) for k in range(3)], axis=-1)
    vignette = 1 - 0.45 * (xx**2 + yy**2)  # darker corners frame the artwork
    return np.clip(rgb * vignette[..., None], 0, 255).astype(np.uint8)


def _scaled(img: Image.Image, size: int) -> Image.Image:
    return img if img.width == size else img.resize((size, size), Image.Resampling.BICUBIC)


def _shapes(r: np.random.Generator, palette, size: int, work: int) -> Image.Image:
    discs = Image.new("RGBA", (work, work), (0, 0, 0, 0))
    draw = ImageDraw.Draw(discs)
    for _ in range(int(r.integers(3, 7))):  # blurred discs read as bokeh / planets
        x, y = r.uniform(0, work, 2)
        rad = float(r.uniform(0.08, 0.3)) * work
        light = tuple(int(c + (255 - c) * 0.4) for c in palette[int(r.integers(3))])
        draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=light + (int(r.integers(50, 120)),))
    layer = _scaled(discs.filter(ImageFilter.GaussianBlur(work / 90)), size)
    draw, stroke = ImageDraw.Draw(layer), max(1, size // 170)
    cx, cy = r.uniform(0.25, 0.75, 2) * size
    for k in range(int(r.integers(2, 5))):  # concentric rings give the piece a focal point
        rad = size * (0.12 + 0.07 * k)
        draw.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), outline=(255, 255, 255, 70), width=stroke)
    xs = np.linspace(0, size, 96)
    for _ in range(int(r.integers(3, 6))):  # sound-wave lines, a nod to the music
        amp, cycles, phase, base = r.uniform((0.02, 1, 0, 0.2), (0.08, 4, 6.3, 0.7))
        ys = size * (base + amp * np.sin(2 * np.pi * cycles * xs / size + phase))
        draw.line(
            list(zip(xs.tolist(), ys.tolist())),
            width=stroke,
            joint="curve",
            fill=(255, 255, 255, int(r.integers(60, 140))),
        )
    return layer


@functools.lru_cache(maxsize=32)
def _font(size: int, cjk: bool = False):
    for path in (_CJK_FONTS if cjk else ()) + _FONTS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def _wrap(text: str, font, width: float) -> list[str]:
    """Greedy wrap on spaces; a word wider than a line (unspaced Chinese) breaks per character."""
    lines: list[str] = []
    for word in text.split(" "):
        pieces = [word] if font.getlength(word) <= width else list(word)
        for i, piece in enumerate(pieces):
            joined = lines[-1] + (" " if i == 0 else "") + piece if lines else piece
            if lines and font.getlength(joined) <= width:
                lines[-1] = joined
            else:
                lines.append(piece)
    return lines


def _fit_title(title: str, width: float, size: int):
    """Largest font (shrinking 12% a step) that wraps the title into at most three lines."""
    cjk, font, lines = bool(_CJK.search(title)), None, []
    for px in (max(int(size * 0.11 * 0.88**k), 8) for k in range(8)):
        font = _font(px, cjk)
        lines = _wrap(title, font, width) if title else []
        if len(lines) <= 3:
            break
    return font, lines[:3]


def _caption(img: Image.Image, title: str, subtitle: str) -> Image.Image:
    size, margin = img.width, img.width * 0.07
    font, lines = _fit_title(title, size - 2 * margin, size)
    rows = [(ln, font, (255, 255, 255)) for ln in lines]
    if subtitle:
        sub_font = _font(max(size // 28, 8), bool(_CJK.search(subtitle)))
        rows.append((subtitle, sub_font, (225, 225, 225)))
    top = size - margin - sum(_line_height(f) for _, f, _ in rows)
    # A dark band fading in from above keeps white text legible on any palette.
    fade_from = top - 1.5 * margin
    ramp = np.clip((np.arange(size) - fade_from) / (size - fade_from), 0, 1) ** 0.8 * 175
    band = Image.fromarray(np.repeat(ramp.astype(np.uint8)[:, None], size, axis=1))
    black = Image.new("L", img.size, 0)
    img = Image.alpha_composite(img, Image.merge("RGBA", (black, black, black, band)))
    offset = max(1, size // 200)
    # The text's soft shadow, blurred only where the text is (a blur of the whole cover is slow).
    band_top = max(0, int(top) - 4 * offset)
    shadow = Image.new("RGBA", (size, size - band_top), (0, 0, 0, 0))
    _draw_rows(shadow, rows, margin + offset, top + offset - band_top, (0, 0, 0, 170))
    img.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(offset)), (0, band_top))
    _draw_rows(img, rows, margin, top)
    return img


def _line_height(font) -> float:
    left, top, right, bottom = font.getbbox("Ag")
    return (bottom - top) * 1.3


def _draw_rows(img: Image.Image, rows, x: float, y: float, fill=None) -> None:
    draw = ImageDraw.Draw(img)
    for text, font, colour in rows:
        draw.text((x, y), text, font=font, fill=fill or colour)
        y += _line_height(font)
