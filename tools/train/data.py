"""Procedural training pictures for the default model: visual families a VJ
recognises, each drawn from a seed with a random palette. Everything here is
computed (no downloads, no third-party pictures), so the project owns it.

    make_image(style, seed) -> float32 [3, 256, 256] in [0, 1]

`python tools/train/data.py --grid out.png` writes a preview grid (one row per
style) and prints the time per picture.
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

SIZE = 256
STYLES = ["plasma", "domain_warp", "voronoi", "flow_field", "reaction_diffusion", "kaleidoscope", "tunnel",
          "metaballs", "smoke", "starfield", "moire"]


def _coords(n=SIZE):
    """x, y in [-1, 1], shape [n, n] (y down the rows)."""
    a = torch.linspace(-1, 1, n)
    y, x = torch.meshgrid(a, a, indexing="ij")
    return x, y


def _palette(rng, t):
    """Inigo Quilez's cosine palette a + b cos(2 pi (c t + d)) with random
    coefficients: t [H, W] in about [0, 1] -> [3, H, W]."""
    a = rng.uniform(0.3, 0.7, 3)
    b = rng.uniform(0.25, 0.5, 3)
    c = rng.choice([0.5, 1.0, 1.0, 1.5, 2.0]) * rng.uniform(0.8, 1.2, 3)
    d = rng.uniform(0, 1, 3)
    t = t[None]
    col = torch.tensor(a)[:, None, None] + torch.tensor(b)[:, None, None] * torch.cos(
        2 * math.pi * (torch.tensor(c)[:, None, None] * t + torch.tensor(d)[:, None, None]))
    return col.float()


def _value_noise(rng, cells, n=SIZE):
    """Smooth noise: a random grid of `cells` x `cells` upsampled bicubically, [n, n] about [-1, 1]."""
    grid = torch.from_numpy(rng.uniform(-1, 1, (1, 1, cells + 3, cells + 3))).float()
    up = F.interpolate(grid, size=(n + 3 * n // cells, n + 3 * n // cells), mode="bicubic", align_corners=False)
    off = n // cells
    return up[0, 0, off:off + n, off:off + n]


def _fbm(rng, n=SIZE, base=4, octaves=5, gain=0.5):
    total, amp, norm = torch.zeros(n, n), 1.0, 0.0
    for o in range(octaves):
        total += amp * _value_noise(rng, base * 2 ** o, n)
        norm += amp
        amp *= gain
    return total / norm


def _sample(field, x, y):
    """Samples field [H, W] at x, y in [-1, 1] (wrapping)."""
    grid = torch.stack([torch.remainder(x + 1, 2) - 1, torch.remainder(y + 1, 2) - 1], -1)[None]
    return F.grid_sample(field[None, None], grid, mode="bilinear", padding_mode="reflection", align_corners=False)[0, 0]


def _normalise(t):
    lo, hi = torch.quantile(t.flatten()[::7], torch.tensor([0.01, 0.99]))
    return ((t - lo) / (hi - lo + 1e-6)).clamp(0, 1)


def plasma(rng):
    x, y = _coords()
    t = torch.zeros_like(x)
    for _ in range(rng.integers(3, 6)):
        fx, fy = rng.uniform(-8, 8, 2)
        t += torch.sin(fx * x + fy * y + rng.uniform(0, 6.3))
    cx, cy = rng.uniform(-1, 1, 2)
    t += torch.sin(rng.uniform(4, 14) * torch.sqrt((x - cx) ** 2 + (y - cy) ** 2) + rng.uniform(0, 6.3))
    return _palette(rng, _normalise(t) * rng.uniform(0.6, 1.6))


def domain_warp(rng):
    x, y = _coords()
    base = _fbm(rng, base=3)
    qx, qy = _fbm(rng, base=3), _fbm(rng, base=3)
    s = rng.uniform(0.6, 1.5)
    rx, ry = _sample(qx, x + s * qx, y + s * qy), _sample(qy, x + s * qy, y - s * qx)
    t = _sample(base, x + s * rx, y + s * ry)
    col = _palette(rng, _normalise(t) * rng.uniform(0.7, 1.3))
    return col * (0.6 + 0.4 * _normalise(rx)[None])


def voronoi(rng):
    x, y = _coords()
    n = int(rng.integers(8, 60))
    pts = torch.from_numpy(rng.uniform(-1.1, 1.1, (n, 2))).float()
    d = torch.sqrt((x[None] - pts[:, 0, None, None]) ** 2 + (y[None] - pts[:, 1, None, None]) ** 2)
    two = torch.topk(d, 2, dim=0, largest=False)
    f1, f2, idx = two.values[0], two.values[1], two.indices[0]
    ids = torch.from_numpy(rng.uniform(0, 1, n)).float()[idx]
    mode = rng.integers(0, 3)
    if mode == 0:  # flat cells with dark edges
        col = _palette(rng, ids) * (((f2 - f1) * rng.uniform(8, 20)).clamp(0, 1))[None]
    elif mode == 1:  # glowing edges
        edge = torch.exp(-(f2 - f1) * rng.uniform(15, 40))
        col = _palette(rng, ids * 0.3 + edge) * (0.25 + edge)[None]
    else:  # distance shading
        col = _palette(rng, ids) * (1 - f1 * math.sqrt(n) * 0.35).clamp(0.1, 1)[None]
    return col


def flow_field(rng):
    n = SIZE
    angle = _fbm(rng, base=int(rng.integers(2, 5)), octaves=3) * math.pi * rng.uniform(1.5, 3.0)
    count, steps = int(rng.integers(600, 1500)), 80
    px, py = rng.uniform(0, n, count), rng.uniform(0, n, count)
    hue = rng.uniform(0, 1, count)
    acc, hue_acc = np.zeros(n * n), np.zeros(n * n)
    a = angle.numpy()
    for _ in range(steps):
        ix, iy = np.clip(px.astype(int), 0, n - 1), np.clip(py.astype(int), 0, n - 1)
        np.add.at(acc, iy * n + ix, 1.0)
        np.add.at(hue_acc, iy * n + ix, hue)
        th = a[iy, ix]
        px, py = (px + 1.2 * np.cos(th)) % n, (py + 1.2 * np.sin(th)) % n
    dens = torch.from_numpy(acc.reshape(n, n)).float()
    h = torch.from_numpy(hue_acc.reshape(n, n)).float() / dens.clamp(min=1)
    blur = F.avg_pool2d(torch.stack([dens, h * dens])[None], 3, 1, 1)[0]
    dens, h = blur[0], blur[1] / blur[0].clamp(min=1e-3)
    strength = (dens / (dens.mean() * 3 + 1e-6)).clamp(0, 1)
    bg = rng.uniform(0, 0.15, 3)
    col = _palette(rng, h)
    return torch.tensor(bg)[:, None, None].float() * (1 - strength) + col * strength


def reaction_diffusion(rng):
    n = 96
    feed, kill = [(0.037, 0.06), (0.03, 0.062), (0.025, 0.06), (0.055, 0.062), (0.039, 0.058)][rng.integers(0, 5)]
    u, v = torch.ones(1, 1, n, n), torch.zeros(1, 1, n, n)
    for _ in range(int(rng.integers(10, 40))):
        cx, cy, r = int(rng.integers(0, n)), int(rng.integers(0, n)), int(rng.integers(2, 6))
        v[..., max(cy - r, 0):cy + r, max(cx - r, 0):cx + r] = 1.0
        u[..., max(cy - r, 0):cy + r, max(cx - r, 0):cx + r] = 0.5
    v += 0.05 * torch.from_numpy(rng.uniform(0, 1, (1, 1, n, n))).float()
    lap = torch.tensor([[0.05, 0.2, 0.05], [0.2, -1.0, 0.2], [0.05, 0.2, 0.05]])[None, None]
    for _ in range(int(rng.integers(700, 1000))):
        lu = F.conv2d(F.pad(u, (1, 1, 1, 1), mode="circular"), lap)
        lv = F.conv2d(F.pad(v, (1, 1, 1, 1), mode="circular"), lap)
        uvv = u * v * v
        u = u + (1.0 * lu - uvv + feed * (1 - u))
        v = v + (0.5 * lv + uvv - (feed + kill) * v)
    t = F.interpolate(v, size=(SIZE, SIZE), mode="bicubic", align_corners=False)[0, 0]
    return _palette(rng, _normalise(t))


def kaleidoscope(rng):
    x, y = _coords()
    r, th = torch.sqrt(x * x + y * y), torch.atan2(y, x) + rng.uniform(0, 6.3)
    k = int(rng.integers(3, 9))
    wedge = 2 * math.pi / k
    th = torch.remainder(th, wedge)
    th = torch.minimum(th, wedge - th)
    zoom = rng.uniform(0.5, 1.5)
    u, v = r * torch.cos(th) * zoom, r * torch.sin(th) * zoom
    src = plasma(rng) if rng.uniform() < 0.5 else domain_warp(rng)
    out = torch.stack([_sample(src[c], u * 2 - 1, v * 2 - 1) for c in range(3)])
    return out * (1 - 0.5 * (r / 1.42) ** 2)[None]


def tunnel(rng):
    x, y = _coords()
    x, y = x - rng.uniform(-0.3, 0.3), y - rng.uniform(-0.3, 0.3)
    r, th = torch.sqrt(x * x + y * y) + 1e-3, torch.atan2(y, x)
    u, v = th / math.pi * int(rng.integers(2, 8)), rng.uniform(0.2, 0.6) / r + rng.uniform(0, 10)
    twist = rng.uniform(-1, 1)
    u = u + twist * v
    kind = rng.integers(0, 3)
    if kind == 0:
        t = (torch.floor(u * 2) + torch.floor(v * 2)) % 2 * 0.6 + 0.2 * torch.sin(v * 3)
    elif kind == 1:
        t = 0.5 + 0.5 * torch.sin(u * math.pi * 2) * torch.sin(v * math.pi * 2)
    else:
        t = 0.5 + 0.5 * torch.sin(v * 6 + torch.sin(u * math.pi * 2) * 2)
    fog = (r / 0.9).clamp(0, 1) ** rng.uniform(0.5, 1.2)
    return _palette(rng, t * 0.8 + v * 0.05) * fog[None]


def metaballs(rng):
    x, y = _coords()
    n = int(rng.integers(4, 14))
    field = torch.zeros_like(x)
    for _ in range(n):
        cx, cy, s = *rng.uniform(-0.9, 0.9, 2), rng.uniform(0.05, 0.25)
        field += s * s / ((x - cx) ** 2 + (y - cy) ** 2 + 1e-3)
    level = rng.uniform(0.8, 1.6)
    inside = torch.sigmoid((field - level) * rng.uniform(6, 30))
    col = _palette(rng, (field / (field + 1)) * rng.uniform(0.8, 1.5))
    bg = _palette(rng, 0.3 * (y + 1)) * rng.uniform(0.05, 0.3)
    return col * inside[None] + bg * (1 - inside[None])


def smoke(rng):
    x, y = _coords()
    w = _fbm(rng, base=2, octaves=4)
    t = _sample(_fbm(rng, base=3, octaves=6, gain=0.55), x + w * 0.8, y + w * 0.5 - 0.3 * y)
    t = _normalise(t) ** rng.uniform(1.0, 2.5)
    tint = torch.from_numpy(rng.uniform(0.3, 1.0, 3)).float()[:, None, None]
    bg = torch.from_numpy(rng.uniform(0, 0.12, 3)).float()[:, None, None]
    return bg + (tint - bg) * t[None] * (0.8 + 0.2 * _palette(rng, t))


def starfield(rng):
    n = SIZE
    count = int(rng.integers(150, 900))
    acc = torch.zeros(1, 1, n, n)
    pts = rng.integers(0, n, (count, 2))
    mag = torch.from_numpy(rng.pareto(2.0, count) * 0.4 + 0.2).float()
    acc[0, 0, pts[:, 1], pts[:, 0]] = mag
    streak = rng.uniform() < 0.4
    if streak:  # warp speed: smear each star radially
        x, y = _coords()
        out = acc[0, 0].clone()
        for s in np.linspace(0.9, 1.0, 12):
            out += _sample(acc[0, 0], x * s, y * s) * 0.5
        acc = out[None, None]
    k = torch.exp(-torch.linspace(-2, 2, 7) ** 2 * 1.5)
    k = (k[:, None] * k[None]) / k.sum() ** 2 * 3
    stars = F.conv2d(acc, k[None, None], padding=3)[0, 0].clamp(0, 1)
    nebula = _normalise(_fbm(rng, base=3, octaves=5)) ** 2 * rng.uniform(0.1, 0.5)
    col = _palette(rng, _normalise(_fbm(rng, base=2, octaves=2)))
    return (col * nebula[None] + stars[None] * torch.from_numpy(rng.uniform(0.8, 1, 3)).float()[:, None, None]).clamp(0, 1)


def moire(rng):
    x, y = _coords()
    t = torch.zeros_like(x)
    for _ in range(int(rng.integers(2, 4))):
        if rng.uniform() < 0.5:
            cx, cy = rng.uniform(-1, 1, 2)
            g = torch.sqrt((x - cx) ** 2 + (y - cy) ** 2)
        else:
            a = rng.uniform(0, math.pi)
            g = x * math.cos(a) + y * math.sin(a)
        t += torch.cos(g * rng.uniform(30, 80))
    t = t / 3 * 0.5 + 0.5
    if rng.uniform() < 0.5:
        t = (t > 0.5).float() * 0.8 + t * 0.2
    return _palette(rng, t)


GENERATORS = {name: globals()[name] for name in STYLES}


def make_image(style, seed):
    """One picture of `style` from `seed`: float32 tensor [3, SIZE, SIZE] in [0, 1]."""
    rng = np.random.default_rng([STYLES.index(style), seed])
    img = GENERATORS[style](rng).clamp(0, 1)
    if rng.uniform() < 0.5:
        img = img.flip(-1)
    return img.float()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", default="/tmp/procedural_grid.png")
    parser.add_argument("--per-style", type=int, default=6)
    args = parser.parse_args()
    torch.set_num_threads(1)
    from PIL import Image
    rows = []
    for style in STYLES:
        start = time.time()
        row = [make_image(style, seed) for seed in range(args.per_style)]
        print(f"{style:20s} {(time.time() - start) / args.per_style * 1000:7.1f} ms/picture")
        rows.append(torch.cat(row, 2))
    grid = (torch.cat(rows, 1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    Image.fromarray(grid).resize((grid.shape[1] // 2, grid.shape[0] // 2)).save(args.grid)
    print("wrote", args.grid)


if __name__ == "__main__":
    main()
