"""Abstract illustrations drawn with Pillow, so the demo needs no downloaded photos.

Each motif is a small scene (harbour, mountains, city...) in a palette chosen
from the article's slug, so every article gets its own stable picture.
"""

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 900

PALETTES = [
    ((14, 59, 84), (242, 166, 90), (236, 112, 99), (250, 230, 200)),
    ((30, 39, 73), (116, 185, 255), (255, 209, 102), (232, 240, 255)),
    ((44, 62, 45), (168, 198, 134), (240, 200, 120), (246, 242, 220)),
    ((70, 32, 50), (214, 110, 110), (255, 190, 130), (255, 236, 220)),
    ((22, 50, 60), (80, 160, 160), (230, 230, 200), (220, 240, 240)),
    ((58, 40, 24), (204, 150, 90), (110, 160, 190), (250, 235, 210)),
]


def _sky(draw, rng, palette):
    top, _, _, light = palette
    for y in range(HEIGHT):
        t = y / HEIGHT
        colour = tuple(round(top[i] * (1 - t) + light[i] * t) for i in range(3))
        draw.line([(0, y), (WIDTH, y)], fill=colour)
    x, y, r = rng.randint(200, 1400), rng.randint(120, 320), rng.randint(60, 110)
    draw.ellipse([x - r, y - r, x + r, y + r], fill=palette[2])


def _ridges(draw, rng, palette, base, height, count=3):
    for layer in range(count):
        shade = tuple(max(0, c - 25 * layer) for c in palette[1])
        points = [(0, HEIGHT)]
        x = 0
        while x <= WIDTH:
            points.append((x, base + layer * 60 - rng.randint(0, height)))
            x += rng.randint(120, 260)
        points += [(WIDTH, base + layer * 60), (WIDTH, HEIGHT)]
        draw.polygon(points, fill=shade)


def _water(draw, rng, palette, top):
    draw.rectangle([0, top, WIDTH, HEIGHT], fill=palette[0])
    for y in range(top + 20, HEIGHT, 28):
        for x in range(rng.randint(-40, 0), WIDTH, 120):
            draw.arc([x, y, x + 80, y + 24], 200, 340, fill=palette[3], width=3)


def _buildings(draw, rng, palette, ground):
    x = 0
    while x < WIDTH:
        w, h = rng.randint(70, 160), rng.randint(150, 480)
        draw.rectangle([x, ground - h, x + w, ground], fill=palette[0])
        for wy in range(ground - h + 20, ground - 20, 40):
            for wx in range(x + 12, x + w - 20, 30):
                if rng.random() < 0.55:
                    draw.rectangle([wx, wy, wx + 12, wy + 18], fill=palette[2])
        x += w + rng.randint(4, 20)


def _cranes(draw, rng, palette, ground):
    for _ in range(rng.randint(2, 4)):
        x = rng.randint(100, WIDTH - 300)
        draw.line([(x, ground), (x, ground - 420)], fill=palette[0], width=14)
        draw.line([(x - 80, ground - 400), (x + 260, ground - 400)], fill=palette[0], width=10)
        draw.line([(x + 200, ground - 400), (x + 200, ground - 250)], fill=palette[0], width=3)
    for i in range(rng.randint(3, 6)):
        x = 100 + i * 230
        draw.rectangle([x, ground - 60, x + 200, ground], fill=palette[i % 3 + 1 if i % 3 else 2])


def _rows(draw, rng, palette, top, mark):
    for row, y in enumerate(range(top, HEIGHT, 45)):
        for x in range(rng.randint(0, 40) + row * 7 % 40, WIDTH, 60):
            if mark == "dots":
                draw.ellipse([x, y, x + 18, y + 18], fill=palette[row % 2 * 2])
            else:
                draw.line([(x, y + 20), (x + 8, y)], fill=palette[0], width=3)


def _columns(draw, rng, palette, ground):
    draw.polygon([(300, 360), (WIDTH // 2, 220), (WIDTH - 300, 360)], fill=palette[0])
    for x in range(340, WIDTH - 300, 110):
        draw.rectangle([x, 370, x + 50, ground], fill=palette[3])
    draw.rectangle([280, ground, WIDTH - 280, ground + 40], fill=palette[0])


def _motif(draw, rng, palette, motif):
    if motif in {"mountains", "steppe", "desert"}:
        height = {"mountains": 420, "steppe": 60, "desert": 140}[motif]
        _ridges(draw, rng, palette, 620, height)
        if motif == "steppe":
            _rows(draw, rng, palette, 700, "grass")
    elif motif in {"sea", "river", "harbour"}:
        _ridges(draw, rng, palette, 560, 120, count=1)
        _water(draw, rng, palette, 600)
        if motif == "harbour":
            _cranes(draw, rng, palette, 600)
    elif motif in {"city", "market", "books"}:
        _buildings(draw, rng, palette, 760)
        draw.rectangle([0, 760, WIDTH, HEIGHT], fill=palette[1])
    elif motif == "rail":
        _ridges(draw, rng, palette, 560, 90, count=2)
        for offset in (-160, 160):
            draw.line([(WIDTH // 2 + offset // 8, 560), (WIDTH // 2 + offset * 4, HEIGHT)], fill=palette[0], width=10)
        for y in range(580, HEIGHT, 30):
            half = 20 + (y - 560) * 0.9
            draw.line([(WIDTH // 2 - half, y), (WIDTH // 2 + half, y)], fill=palette[0], width=6)
    elif motif == "vineyard":
        _ridges(draw, rng, palette, 520, 160, count=1)
        _rows(draw, rng, palette, 560, "dots")
    elif motif == "wind":
        _ridges(draw, rng, palette, 650, 80, count=2)
        for x in range(200, WIDTH, 340):
            draw.line([(x, 650), (x, 300)], fill=palette[3], width=10)
            for dx, dy in ((0, -170), (150, 90), (-150, 90)):
                draw.line([(x, 300), (x + dx, 300 + dy)], fill=palette[3], width=8)
    elif motif == "parliament":
        _columns(draw, rng, palette, 780)
    else:  # stage, sun and anything new: curtains and footlights
        draw.rectangle([0, 0, 260, HEIGHT], fill=palette[0])
        draw.rectangle([WIDTH - 260, 0, WIDTH, HEIGHT], fill=palette[0])
        draw.rectangle([0, 780, WIDTH, HEIGHT], fill=palette[1])


def illustration(seed, motif):
    """A 1600×900 JPEG (bytes) of ``motif``; the same ``seed`` always gives the same picture."""
    rng = random.Random(seed)
    palette = rng.choice(PALETTES)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, rng, palette)
    _motif(draw, rng, palette, motif)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def portrait(seed, initials):
    """A 480×480 JPEG (bytes): initials on a coloured disc, for author profiles."""
    rng = random.Random(seed)
    palette = rng.choice(PALETTES)
    image = Image.new("RGB", (480, 480), palette[3])
    draw = ImageDraw.Draw(image)
    draw.ellipse([20, 20, 460, 460], fill=palette[0])
    draw.text((240, 240), initials, fill=palette[3], anchor="mm", font_size=180)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
