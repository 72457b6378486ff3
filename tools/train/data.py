"""Procedural training pictures and clips for the default model: visual
families a VJ projects, each drawn from a seed with its own cosine palettes
and parameter ranges. Everything is computed with numpy (no downloads, no
third-party pictures), so the project owns it, and depends only on
(style, seed):

    make_image(style, seed) -> float32 [3, 256, 256] in [0, 1]
    make_clip(style, seed, frames=8, dt=1/12) -> float32 [frames, 3, 256, 256]

A clip is the same picture in motion (phase, zoom, rotation, flow, a
simulation going on); its first frame is make_image's picture.

    python tools/train/data.py --grid out.png    one row per style
    python tools/train/data.py --clip out.png    one row per style: a clip's frames
    python tools/train/data.py --speed           pictures/s per style on this core
"""
import argparse
import math
import time

import numpy as np

SIZE = 256
# Append only: a style's index seeds its pictures, and trained models name their styles in this order.
STYLES = ["plasma", "domain_warp", "voronoi", "flow_field", "reaction_diffusion", "kaleidoscope", "tunnel",
          "metaballs", "smoke", "starfield", "moire",
          "fractal_flame", "julia", "attractor", "laser", "op_art", "particles", "grid", "liquid"]
F32 = np.float32
TAU = 2 * math.pi

# Inigo Quilez's cosine palettes a + b cos(2 pi (c t + d)): (a, b, c, d) per named palette.
PALETTES = {
    "rainbow": ((.5, .5, .5), (.5, .5, .5), (1, 1, 1), (0, .33, .67)),
    "warm": ((.5, .5, .5), (.5, .5, .5), (1, 1, 1), (0, .10, .20)),
    "cool": ((.5, .5, .5), (.5, .5, .5), (1, 1, 1), (.3, .20, .20)),
    "acid": ((.5, .5, .5), (.5, .5, .5), (1, 1, .5), (.8, .90, .30)),
    "sunset": ((.5, .5, .5), (.5, .5, .5), (1, .7, .4), (0, .15, .20)),
    "candy": ((.8, .5, .4), (.2, .4, .2), (2, 1, 1), (0, .25, .25)),
    "ocean": ((.5, .5, .5), (.5, .5, .5), (2, 1, 0), (.5, .20, .25)),
    "neon": ((.5, .5, .5), (.5, .5, .5), (1, 1, 1), (.0, .50, .50)),
    "magma": ((.55, .3, .15), (.45, .35, .25), (1, 1, 1), (.0, .08, .18)),
    "ice": ((.35, .55, .75), (.3, .35, .25), (1, 1, 1), (.55, .50, .45)),
    "toxic": ((.4, .6, .25), (.4, .4, .25), (1, 1, 2), (.2, .05, .6)),
    "vapor": ((.6, .4, .7), (.4, .4, .3), (1, 1, 1), (.9, .55, .25)),
    "gold": ((.55, .45, .25), (.45, .4, .25), (1, 1, 1), (.0, .05, .12)),
    "mono": ((.5, .5, .5), (.5, .5, .5), (1, 1, 1), (0, 0, 0)),
}
STYLE_PALETTES = {
    "plasma": ["rainbow", "acid", "candy", "vapor", "neon", "ocean"],
    "domain_warp": ["ocean", "sunset", "magma", "cool", "vapor", "gold"],
    "voronoi": ["candy", "rainbow", "ice", "toxic", "neon"],
    "flow_field": ["neon", "ice", "warm", "vapor", "rainbow"],
    "reaction_diffusion": ["toxic", "ice", "magma", "candy", "mono"],
    "kaleidoscope": ["rainbow", "acid", "vapor", "candy", "gold"],
    "tunnel": ["neon", "cool", "magma", "acid", "rainbow"],
    "metaballs": ["magma", "neon", "toxic", "candy", "ice"],
    "smoke": ["cool", "warm", "vapor", "ice", "magma"],
    "starfield": ["ice", "vapor", "cool", "neon"],
    "moire": ["mono", "neon", "ice", "acid", "candy"],
    "fractal_flame": ["magma", "gold", "vapor", "ice", "rainbow", "neon"],
    "julia": ["rainbow", "gold", "ocean", "magma", "ice", "acid"],
    "attractor": ["ice", "magma", "neon", "gold", "vapor"],
    "laser": ["neon", "rainbow", "toxic", "vapor", "cool"],
    "op_art": ["mono", "neon", "candy", "acid"],
    "particles": ["neon", "ice", "warm", "rainbow", "gold"],
    "grid": ["vapor", "neon", "sunset", "cool"],
    "liquid": ["ocean", "candy", "sunset", "gold", "vapor", "magma"],
}


def _palette(rng, style):
    """One of the style's palettes, its phases jittered and rotated: returns colour(t [H, W]) -> [3, H, W]."""
    a, b, c, d = (np.array(v, F32) for v in PALETTES[STYLE_PALETTES[style][rng.integers(len(STYLE_PALETTES[style]))]])
    d = d + F32(rng.uniform(0, 1)) + rng.uniform(-0.06, 0.06, 3).astype(F32)
    b = b * F32(rng.uniform(0.85, 1.1))

    def colour(t):
        t = np.asarray(t, F32)
        return a.reshape((3,) + (1,) * t.ndim) + b.reshape((3,) + (1,) * t.ndim) * np.cos(
            TAU * (c.reshape((3,) + (1,) * t.ndim) * t[None] + d.reshape((3,) + (1,) * t.ndim)))
    return colour


def _coords(n=SIZE):
    """x, y in [-1, 1] at pixel centres, shape [n, n] (y down the rows)."""
    a = ((np.arange(n, dtype=F32) + 0.5) / n * 2 - 1)
    return np.broadcast_to(a[None], (n, n)), np.broadcast_to(a[:, None], (n, n))


def _noise(rng, cells, n=SIZE):
    """Tileable value noise: a random cells x cells grid, smoothstep-interpolated to [n, n], in about [-1, 1]."""
    g = rng.uniform(-1, 1, (cells, cells)).astype(F32)
    p = np.arange(n, dtype=F32) * cells / n
    i0 = p.astype(int)
    f = p - i0
    s = f * f * (3 - 2 * f)
    i1 = (i0 + 1) % cells
    rows = g[:, i0] * (1 - s) + g[:, i1] * s
    return rows[i0] * (1 - s)[:, None] + rows[i1] * s[:, None]


def _fbm(rng, base=4, octaves=5, gain=0.5, n=SIZE):
    total, amp, norm = np.zeros((n, n), F32), 1.0, 0.0
    for o in range(octaves):
        total += F32(amp) * _noise(rng, base * 2 ** o, n)
        norm += amp
        amp *= gain
    return total / F32(norm)


def _sample(field, x, y):
    """Bilinear sample of a tileable field [H, W] at x, y in [-1, 1) (wrapping)."""
    h, w = field.shape
    px, py = (x + 1) * (w / 2) - 0.5, (y + 1) * (h / 2) - 0.5
    x0, y0 = np.floor(px), np.floor(py)
    fx, fy = (px - x0).astype(F32), (py - y0).astype(F32)
    x0, y0 = x0.astype(int) % w, y0.astype(int) % h
    x1, y1 = (x0 + 1) % w, (y0 + 1) % h
    top = field[y0, x0] * (1 - fx) + field[y0, x1] * fx
    bottom = field[y1, x0] * (1 - fx) + field[y1, x1] * fx
    return top * (1 - fy) + bottom * fy


def _normalise(t):
    lo, hi = np.quantile(t.ravel()[::7], [0.01, 0.99])
    return np.clip((t - lo) / (hi - lo + 1e-6), 0, 1).astype(F32)


def _box(a, r, axis):
    """Box blur of radius r along `axis` (edges clamped), by running sums."""
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis, dtype=F32)
    n = a.shape[axis]
    return (np.take(c, range(2 * r + 1, 2 * r + 1 + n), axis) - np.take(c, range(0, n), axis)) / F32(2 * r + 1)


def _blur(a, r):
    """About a Gaussian of sigma ~ r over the last two axes (three box passes)."""
    r = max(1, int(round(r / 1.7)))
    for _ in range(3):
        a = _box(_box(a, r, -1), r, -2)
    return a


def _glow(rgb, radius=6, amount=0.6):
    """Bloom: the picture plus a blur of its bright part."""
    return rgb + F32(amount) * _blur(np.maximum(rgb - 0.15, 0), radius)


def _tonemap(rgb, exposure=1.0):
    """Additive light -> [0, 1] with saturated highlights (1 - exp(-k x))."""
    return 1 - np.exp(-F32(exposure) * np.maximum(rgb, 0))


def _splat(x, y, weights, n=SIZE):
    """Sums weights [K, P] (or [P]) at points x, y in [-1, 1] into [K, n, n] (bilinear splats)."""
    weights = np.atleast_2d(weights).astype(F32)
    px, py = (x + 1) * (n / 2) - 0.5, (y + 1) * (n / 2) - 0.5
    keep = (px >= 0) & (px < n - 1) & (py >= 0) & (py < n - 1)
    px, py, weights = px[keep], py[keep], weights[:, keep]
    x0, y0 = px.astype(int), py.astype(int)
    fx, fy = (px - x0).astype(F32), (py - y0).astype(F32)
    out = np.zeros((len(weights), n * n), F32)
    for dx, dy, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        idx = (y0 + dy) * n + x0 + dx
        for k in range(len(weights)):
            out[k] += np.bincount(idx, weights[k] * w, n * n).astype(F32)
    return out.reshape(len(weights), n, n)


def _line(d, width, pixel=2.0 / SIZE):
    """Antialiased line of `width` (in x/y units) at signed distance d."""
    return np.clip((width / 2 - np.abs(d)) / pixel + 0.5, 0, 1).astype(F32)


def _rotate(x, y, angle):
    c, s = math.cos(angle), math.sin(angle)
    return c * x - s * y, s * x + c * y


# Each style draws its parameters from rng, then returns frame(t) -> [3, H, W] for time t in seconds.

def plasma(rng):
    x, y = _coords()
    colour = _palette(rng, "plasma")
    waves = [(*rng.uniform(-9, 9, 2), rng.uniform(0, TAU), rng.uniform(-2, 2)) for _ in range(rng.integers(3, 6))]
    cx, cy, fr, ph = *rng.uniform(-1, 1, 2), rng.uniform(4, 14), rng.uniform(0, TAU)
    r = np.sqrt((x - cx) ** 2 + (y - cy) ** 2)
    gain, bands, shift = rng.uniform(0.7, 1.8), rng.uniform(0.6, 1.6), rng.uniform(-0.15, 0.15)

    def frame(t):
        v = sum(np.sin(fx * x + fy * y + p + w * t) for fx, fy, p, w in waves) + np.sin(fr * r + ph - 1.5 * t)
        v = np.tanh(v * gain / 2)  # flatter plateaus, sharper transitions than a plain sine sum
        return colour(v * bands * 0.5 + shift * t)
    return frame


def domain_warp(rng):
    x, y = _coords()
    base, qx, qy = _fbm(rng, base=3), _fbm(rng, base=3), _fbm(rng, base=3)
    colour, s = _palette(rng, "domain_warp"), rng.uniform(0.6, 1.5)
    drift = rng.uniform(-0.08, 0.08, 2)
    contrast = rng.uniform(1.0, 2.2)

    def frame(t):
        ox, oy = drift * t
        rx, ry = _sample(qx, x + s * qx + ox, y + s * qy + oy), _sample(qy, x + s * qy - oy, y - s * qx + ox)
        v = _sample(base, x + s * rx, y + s * ry)
        v = np.clip(0.5 + (v - 0.0) * contrast * 1.6, 0, 1)
        return colour(v * 0.9 + 0.3 * rx) * (0.55 + 0.45 * np.clip(0.5 + ry, 0, 1))[None]
    return frame


def voronoi(rng):
    x, y = _coords()
    n = int(rng.integers(8, 60))
    pts, orbit = rng.uniform(-1.1, 1.1, (n, 2)), rng.uniform(0.02, 0.12, n) * rng.choice([-1, 1], n)
    phase, speed = rng.uniform(0, TAU, n), rng.uniform(0.5, 1.5, n)
    ids, colour, mode = rng.uniform(0, 1, n).astype(F32), _palette(rng, "voronoi"), rng.integers(0, 3)
    edge_k, glow_k = rng.uniform(10, 25), rng.uniform(15, 40)

    def frame(t):
        px = pts[:, 0] + orbit * np.cos(phase + speed * t)
        py = pts[:, 1] + orbit * np.sin(phase + speed * t)
        f1, f2, idx = np.full(x.shape, 9, F32), np.full(x.shape, 9, F32), np.zeros(x.shape, int)
        for i in range(n):
            d = np.sqrt((x - F32(px[i])) ** 2 + (y - F32(py[i])) ** 2)
            closer = d < f1
            f2 = np.where(closer, f1, np.minimum(f2, d))
            idx = np.where(closer, i, idx)
            f1 = np.minimum(f1, d)
        cell = ids[idx]
        if mode == 0:  # flat cells, dark crisp edges
            return colour(cell) * np.clip((f2 - f1) * edge_k * 8 - 0.5, 0, 1)[None]
        if mode == 1:  # glowing edges on dark cells
            edge = np.exp(-(f2 - f1) * glow_k)
            return _tonemap(colour(cell * 0.3 + edge) * (0.15 + 1.5 * edge)[None], 1.5)
        return colour(cell) * np.clip(1 - f1 * math.sqrt(n) * 0.35, 0.1, 1)[None] * np.clip(
            (f2 - f1) * 200, 0, 1)[None]
    return frame


def flow_field(rng):
    n, count, steps = SIZE, int(rng.integers(500, 1200)), 70
    angle = _fbm(rng, base=int(rng.integers(2, 5)), octaves=3) * F32(math.pi * rng.uniform(1.5, 3.0))
    start = rng.uniform(-1, 1, (2, count))
    hue = rng.uniform(0, 1, count).astype(F32)
    colour, bg = _palette(rng, "flow_field"), rng.uniform(0, 0.08, 3).astype(F32)
    step, bright = 2.4 / n, rng.uniform(1.5, 3.0)

    def frame(t):
        px, py = start[0].copy(), start[1].copy()
        xs, ys = [], []
        turn = F32(0.25 * t)
        for k in range(steps + int(t * 12)):  # the traces grow and the field turns with time
            th = _sample(angle, px, py) + turn
            px, py = (px + step * np.cos(th) + 1) % 2 - 1, (py + step * np.sin(th) + 1) % 2 - 1
            if k >= int(t * 12):
                xs.append(px), ys.append(py)
        xs, ys = np.concatenate(xs), np.concatenate(ys)
        h = np.tile(hue, steps)
        acc = _splat(xs, ys, np.stack([np.ones_like(h), h]), n)
        dens = acc[0]
        hmap = acc[1] / np.maximum(dens, 1e-3)
        strength = _tonemap(dens, bright * 0.5)
        light = colour(hmap) * strength[None]
        return bg[:, None, None] * (1 - strength[None]) + _glow(light, 3, 0.4)
    return frame


def reaction_diffusion(rng):
    n = 96
    feed, kill = [(0.037, 0.06), (0.03, 0.062), (0.025, 0.06), (0.055, 0.062), (0.039, 0.058)][rng.integers(0, 5)]
    u, v = np.ones((n, n), F32), np.zeros((n, n), F32)
    for _ in range(int(rng.integers(10, 40))):
        cx, cy, r = int(rng.integers(0, n)), int(rng.integers(0, n)), int(rng.integers(2, 6))
        v[max(cy - r, 0):cy + r, max(cx - r, 0):cx + r] = 1.0
        u[max(cy - r, 0):cy + r, max(cx - r, 0):cx + r] = 0.5
    v += 0.05 * rng.uniform(0, 1, (n, n)).astype(F32)
    colour, emboss = _palette(rng, "reaction_diffusion"), rng.uniform() < 0.5
    state = {"u": u, "v": v, "t": -1.0}
    warm = int(rng.integers(700, 1000))

    def lap(a):
        return (0.2 * (np.roll(a, 1, 0) + np.roll(a, -1, 0) + np.roll(a, 1, 1) + np.roll(a, -1, 1))
                + 0.05 * (np.roll(a, (1, 1), (0, 1)) + np.roll(a, (1, -1), (0, 1)) + np.roll(a, (-1, 1), (0, 1))
                          + np.roll(a, (-1, -1), (0, 1))) - a)

    def frame(t):
        target = warm + int(t * 120)
        done = warm + int(state["t"] * 120) if state["t"] >= 0 else 0
        if done > target:
            raise ValueError("reaction_diffusion: frames must be asked for in time order")
        u, v = state["u"], state["v"]
        for _ in range(target - done):
            uvv = u * v * v
            u, v = u + (lap(u) - uvv + feed * (1 - u)), v + (0.5 * lap(v) + uvv - (feed + kill) * v)
        state.update(u=u, v=v, t=t)
        big = _sample(np.ascontiguousarray(v), *_coords())
        m = _normalise(big)
        m = np.clip((m - 0.5) * 2.5 + 0.5, 0, 1)  # crisp pattern edges
        out = colour(m)
        if emboss:
            gx, gy = np.gradient(m)
            out = out * (0.75 + 0.25 * np.clip(4 * (gx - gy) + 1, 0, 2))[None]
        return out
    return frame


def kaleidoscope(rng):
    x, y = _coords()
    r, th0 = np.sqrt(x * x + y * y), np.arctan2(y, x)
    k, spin = int(rng.integers(3, 9)), rng.uniform(-0.6, 0.6)
    zoom = rng.uniform(0.5, 1.5)
    source = (plasma if rng.uniform() < 0.5 else domain_warp)(rng)
    wedge, rot = TAU / k, rng.uniform(0, TAU)

    def frame(t):
        th = np.remainder(th0 + rot + spin * t, wedge)
        th = np.minimum(th, wedge - th)
        z = zoom * (1 + 0.15 * math.sin(0.7 * t))
        u, v = r * np.cos(th) * z, r * np.sin(th) * z
        src = source(t * 0.5)
        out = np.stack([_sample(src[c], u * 2 - 1, v * 2 - 1) for c in range(3)])
        return out * (1 - 0.5 * (r / 1.42) ** 2)[None]
    return frame


def tunnel(rng):
    x, y = _coords()
    x, y = x - F32(rng.uniform(-0.3, 0.3)), y - F32(rng.uniform(-0.3, 0.3))
    r, th = np.sqrt(x * x + y * y) + F32(1e-3), np.arctan2(y, x)
    sides, depth, offset = int(rng.integers(2, 8)), rng.uniform(0.2, 0.6), rng.uniform(0, 10)
    twist, kind, speed = rng.uniform(-1, 1), rng.integers(0, 3), rng.uniform(0.2, 0.6)
    colour, fog_k = _palette(rng, "tunnel"), rng.uniform(0.5, 1.2)
    spin = rng.uniform(-0.5, 0.5)
    fog = np.clip(r / 0.9, 0, 1) ** fog_k

    def frame(t):
        u, v = (th + spin * t) / math.pi * sides, depth / r + offset + speed * t
        u = u + twist * v
        if kind == 0:
            m = (np.floor(u * 2) + np.floor(v * 2)) % 2 * 0.6 + 0.2 * np.sin(v * 3)
        elif kind == 1:
            m = 0.5 + 0.5 * np.sin(u * TAU) * np.sin(v * TAU)
        else:
            m = 0.5 + 0.5 * np.sin(v * 6 + np.sin(u * TAU) * 2)
        return colour(m * 0.8 + v * 0.05) * fog[None]
    return frame


def metaballs(rng):
    x, y = _coords()
    n = int(rng.integers(4, 14))
    balls = [(*rng.uniform(-0.9, 0.9, 2), rng.uniform(0.05, 0.25), *rng.uniform(0.3, 1.2, 2), *rng.uniform(0, TAU, 2))
             for _ in range(n)]
    level, sharp = rng.uniform(0.8, 1.6), rng.uniform(10, 40)
    colour, bg_colour = _palette(rng, "metaballs"), _palette(rng, "metaballs")
    bands, bg_level = rng.uniform(0.8, 1.5), rng.uniform(0.05, 0.25)

    def frame(t):
        field = np.zeros_like(x)
        for cx, cy, s, wx, wy, px, py in balls:
            bx, by = cx + 0.15 * math.sin(wx * t + px), cy + 0.15 * math.cos(wy * t + py)
            field += F32(s * s) / ((x - F32(bx)) ** 2 + (y - F32(by)) ** 2 + F32(1e-3))
        inside = 1 / (1 + np.exp(-(field - level) * sharp))
        rim = np.exp(-((field - level) * 4) ** 2)
        col = colour((field / (field + 1)) * bands) + 0.6 * rim[None]
        bg = bg_colour(0.3 * (y + 1)) * bg_level
        return col * inside[None] + bg * (1 - inside[None])
    return frame


def smoke(rng):
    x, y = _coords()
    w, detail = _fbm(rng, base=2, octaves=4), _fbm(rng, base=3, octaves=6, gain=0.55)
    power, colour = rng.uniform(1.0, 2.5), _palette(rng, "smoke")
    bg = rng.uniform(0, 0.1, 3).astype(F32)[:, None, None]
    rise = rng.uniform(0.05, 0.15)

    def frame(t):
        ww = _sample(w, x, y + rise * t)
        v = _sample(detail, x + ww * 0.8, y + ww * 0.5 - 0.3 * y + rise * 2 * t)
        v = _normalise(v) ** power
        return bg + (colour(v * 0.6 + 0.2) - bg) * v[None]
    return frame


def starfield(rng):
    count = int(rng.integers(300, 1500))
    sx, sy, sz = rng.uniform(-1, 1, count), rng.uniform(-1, 1, count), rng.uniform(0, 1, count)
    mag = (rng.pareto(2.0, count) * 0.5 + 0.4).astype(F32)
    speed = rng.uniform(0.05, 0.6) if rng.uniform() < 0.6 else rng.uniform(0.6, 1.5)  # cruise or warp speed
    streak = speed * rng.uniform(0.05, 0.2)
    tint = rng.uniform(0.7, 1, (count, 3)).astype(F32)
    colour = _palette(rng, "starfield")
    nebula = _normalise(_fbm(rng, base=3, octaves=5)) ** 2 * F32(rng.uniform(0.1, 0.6))
    neb_colour = colour(_normalise(_fbm(rng, base=2, octaves=2)))
    cx, cy = rng.uniform(-0.3, 0.3, 2)

    def frame(t):
        xs, ys, ws = [], [], []
        for k in range(6):  # motion blur along the flight direction
            z = (sz - speed * t - streak * k / 6) % 1 * 0.95 + 0.05
            xs.append(sx / z * 0.4 + cx), ys.append(sy / z * 0.4 + cy)
            ws.append(mag * (1 - z) ** 2 / 6 * 8)
        w = np.concatenate(ws)
        acc = _splat(np.concatenate(xs), np.concatenate(ys), w[None] * np.tile(tint.T, 6))
        stars = _blur(acc, 1.2) * 4 + acc * 0.6
        scroll = _sample(nebula, *_coords()) if t == 0 else _sample(nebula, _coords()[0] * (1 - 0.02 * t),
                                                                   _coords()[1] * (1 - 0.02 * t))
        return _tonemap(neb_colour * scroll[None] + _glow(stars, 4, 0.5), 1.4)
    return frame


def moire(rng):
    x, y = _coords()
    layers = []
    for _ in range(int(rng.integers(2, 4))):
        layers.append((rng.uniform() < 0.5, *rng.uniform(-1, 1, 2), rng.uniform(0, math.pi), rng.uniform(30, 80),
                       rng.uniform(-0.3, 0.3), rng.uniform(-0.2, 0.2)))
    colour, binary = _palette(rng, "moire"), rng.uniform() < 0.6

    def frame(t):
        v = np.zeros_like(x)
        for ring, cx, cy, a, f, drift, turn in layers:
            if ring:
                g = np.sqrt((x - F32(cx + drift * t)) ** 2 + (y - F32(cy)) ** 2)
            else:
                g = x * F32(math.cos(a + turn * t)) + y * F32(math.sin(a + turn * t))
            v += np.cos(g * F32(f))
        v = v / len(layers) * 0.5 + 0.5
        if binary:
            v = np.clip((v - 0.5) * 8 + 0.5, 0, 1)
        return colour(v * 0.8)
    return frame


# ---------------------------------------------------------------- families added for the third model

def fractal_flame(rng):
    """Iterated function system drawn as a fractal flame: affine maps with nonlinear variations, a log-density
    histogram, each map a colour."""
    k = int(rng.integers(2, 5))
    maps = rng.uniform(-1, 1, (k, 6))
    variation = rng.integers(0, 5, k)
    weights = rng.uniform(0.5, 1.0, k)
    weights /= weights.sum()
    colour, exposure = _palette(rng, "fractal_flame"), rng.uniform(1.5, 3.0)
    points = 6000
    choices = rng.choice(k, size=(30, points), p=weights)
    start = rng.uniform(-1, 1, (2, points))
    spin = rng.uniform(-0.4, 0.4)
    scale = rng.uniform(0.55, 0.8)

    def frame(t):
        px, py = start[0].copy(), start[1].copy()
        hue = np.zeros(points)
        xs, ys, hs = [], [], []
        m = maps.copy()
        c0, s0 = math.cos(spin * t), math.sin(spin * t)  # the first map turns
        (a0, b0), (c1, d1) = m[0, :2], m[0, 2:4]
        m[0, :4] = (c0 * a0 - s0 * c1, c0 * b0 - s0 * d1, s0 * a0 + c0 * c1, s0 * b0 + c0 * d1)
        for it in range(30):
            c = choices[it]
            a, b, cc, d, e, f = (m[c, j] for j in range(6))
            nx, ny = a * px + b * py + e, cc * px + d * py + f
            r2 = nx * nx + ny * ny + 1e-6
            var = variation[c]
            sx, sy = nx.copy(), ny.copy()
            sx[var == 1], sy[var == 1] = np.sin(nx[var == 1]), np.sin(ny[var == 1])  # sinusoidal
            sx[var == 2], sy[var == 2] = nx[var == 2] / r2[var == 2], ny[var == 2] / r2[var == 2]  # spherical
            sw = var == 3  # swirl
            sx[sw] = nx[sw] * np.sin(r2[sw]) - ny[sw] * np.cos(r2[sw])
            sy[sw] = nx[sw] * np.cos(r2[sw]) + ny[sw] * np.sin(r2[sw])
            hs_ = var == 4  # horseshoe
            rr = np.sqrt(r2[hs_])
            sx[hs_], sy[hs_] = (nx[hs_] - ny[hs_]) * (nx[hs_] + ny[hs_]) / rr, 2 * nx[hs_] * ny[hs_] / rr
            px, py = np.clip(sx, -4, 4), np.clip(sy, -4, 4)
            hue = (hue + c / max(k - 1, 1)) / 2
            if it >= 6:
                xs.append(px), ys.append(py), hs.append(hue)
        xs, ys, hs = np.concatenate(xs), np.concatenate(ys), np.concatenate(hs)
        cxm, cym = np.median(xs), np.median(ys)
        spread = np.quantile(np.abs(np.concatenate([xs - cxm, ys - cym])), 0.95) + 1e-6
        u, v = (xs - cxm) / spread * scale, (ys - cym) / spread * scale
        acc = _splat(u, v, np.stack([np.ones_like(hs), hs]))
        dens = acc[0]
        h = acc[1] / np.maximum(dens, 1e-6)
        level = np.log1p(dens) / np.log1p(np.quantile(dens[dens > 0], 0.99) if (dens > 0).any() else 1)
        light = colour(h) * np.clip(level, 0, 1.5)[None] ** 1.2
        return _tonemap(_glow(light, 5, 0.5), exposure)
    return frame


JULIA_C = [(-0.8, 0.156), (0.285, 0.01), (-0.4, 0.6), (-0.70176, -0.3842), (0.355, 0.355), (-0.835, -0.2321),
           (-0.7269, 0.1889), (0.37, 0.1), (-0.54, 0.54), (-0.123, 0.745)]
MANDELBROT_SPOTS = [(-0.743643887, 0.131825904), (-0.7453, 0.1127), (-0.16, 1.0405), (-1.25066, 0.02012),
                    (-0.748, 0.1), (0.3245, 0.04855), (-1.7497, 0.0), (-0.10109, 0.95628)]


def julia(rng):
    """Julia sets with c circling slowly, or a Mandelbrot zoom into a boundary spot; smooth escape-time colour."""
    x, y = _coords()
    mandel = rng.uniform() < 0.45
    colour, bands = _palette(rng, "julia"), rng.uniform(0.03, 0.09)
    rot = rng.uniform(0, TAU)
    xr, yr = _rotate(x.astype(np.float64), y.astype(np.float64), rot)
    iters = 96
    inside_colour = rng.uniform(0, 0.15, 3)
    if mandel:
        cx, cy = MANDELBROT_SPOTS[rng.integers(len(MANDELBROT_SPOTS))]
        zoom0, rate = 10 ** rng.uniform(-2.3, -0.6), rng.uniform(0.1, 0.4)
    else:
        c0 = np.array(JULIA_C[rng.integers(len(JULIA_C))]) + rng.uniform(-0.01, 0.01, 2)
        zoom0, radius, w = rng.uniform(0.9, 1.5), rng.uniform(0.002, 0.006), rng.uniform(0.5, 1.5)

    def frame(t):
        if mandel:
            zoom = zoom0 * math.exp(-rate * t)
            c = (cx + xr * zoom) + 1j * (cy + yr * zoom)
            z = np.zeros_like(c)
        else:
            c = complex(c0[0] + radius * math.cos(w * t), c0[1] + radius * math.sin(w * t)) * np.ones(x.shape)
            z = (xr + 1j * yr) * zoom0 * 1.3
        z, c = z.ravel(), c.ravel()
        smooth = np.full(z.shape, -1.0)
        alive = np.arange(z.size)
        for i in range(iters):
            z = z * z + c
            out = (z.real ** 2 + z.imag ** 2) > 256
            if out.any():
                zo = z[out]
                smooth[alive[out]] = i + 1 - np.log2(np.log(np.abs(zo)))
                keep = ~out
                z, c, alive = z[keep], c[keep], alive[keep]
            if not alive.size:
                break
        smooth = smooth.reshape(x.shape)
        inside = smooth < 0
        v = np.sqrt(np.maximum(smooth, 0)) * bands * 6
        col = colour(v.astype(F32)) * np.clip(np.maximum(smooth, 0) / 6, 0, 1)[None].astype(F32)
        return np.where(inside[None], inside_colour[:, None, None].astype(F32), col)
    return frame


ATTRACTORS = [("clifford", (-1.4, 1.6, 1.0, 0.7)), ("clifford", (1.7, 1.7, 0.6, 1.2)), ("clifford", (1.5, -1.8, 1.6, 0.9)),
              ("clifford", (-1.7, 1.3, -0.1, -1.2)), ("clifford", (-1.8, -2.0, -0.5, -0.9)),
              ("dejong", (1.4, -2.3, 2.4, -2.1)), ("dejong", (2.01, -2.53, 1.61, -0.33)),
              ("dejong", (-2.7, -0.09, -0.86, -2.2)), ("dejong", (-2.24, 0.43, -0.65, -2.43)),
              ("dejong", (-2.0, -2.0, -1.2, 2.0))]


def _attractor_step(kind, params, px, py):
    a, b, c, d = params
    if kind == "clifford":
        return np.sin(a * py) + c * np.cos(a * px), np.sin(b * px) + d * np.cos(b * py)
    return np.sin(a * py) - np.cos(b * px), np.sin(c * px) - np.cos(d * py)


def _orbit_cover(kind, params):
    """Share of a 64x64 grid over the orbit's bounding box that one orbit visits (a chaotic one fills area)."""
    px, py = np.array([0.1]), np.array([0.1])
    pts = []
    for _ in range(3000):
        px, py = _attractor_step(kind, params, px, py)
        pts.append((px[0], py[0]))
    p = np.array(pts[100:])
    p = (p - p.min(0)) / (np.ptp(p, 0) + 1e-9) * 63.99
    return len(set(map(tuple, p.astype(int)))) / 4096


def attractor(rng):
    """Clifford and de Jong strange attractors as density pictures, their parameters drifting slowly."""
    kind, base = ATTRACTORS[rng.integers(len(ATTRACTORS))]
    jitter = rng.uniform(-0.03, 0.03, 4)
    drift, w = rng.uniform(0.01, 0.04, 4), rng.uniform(0.5, 1.5, 4)
    colour, exposure, rot = _palette(rng, "attractor"), rng.uniform(1.5, 3.0), rng.uniform(0, TAU)
    start = rng.uniform(-0.1, 0.1, (2, 4000))
    if _orbit_cover(kind, np.array(base) + jitter) > 0.05:  # a jitter can fall into a periodic orbit: keep it chaotic
        base = np.array(base) + jitter
    else:
        base, drift = np.array(base), drift * 0

    def frame(t):
        a, b, c, d = base + drift * np.sin(w * t)
        px, py = start[0].copy(), start[1].copy()
        xs, ys, sp = [], [], []
        for it in range(60):
            nx, ny = _attractor_step(kind, (a, b, c, d), px, py)
            if it >= 10:
                xs.append(nx), ys.append(ny), sp.append(np.hypot(nx - px, ny - py))
            px, py = nx, ny
        xs, ys, sp = np.concatenate(xs), np.concatenate(ys), np.concatenate(sp)
        # Centred on the orbit and scaled after the rotation, so that it fills the frame and no
        # corner is cut (a few far points must not shrink it: their 0.1% is let go).
        lo_x, hi_x = np.quantile(xs, [0.001, 0.999])
        lo_y, hi_y = np.quantile(ys, [0.001, 0.999])
        u, v = _rotate(xs - 0.5 * (lo_x + hi_x), ys - 0.5 * (lo_y + hi_y), rot)
        reach = max(np.quantile(np.abs(u), 0.999), np.quantile(np.abs(v), 0.999)) + 1e-6
        u, v = u / reach * 0.92, v / reach * 0.92
        acc = _splat(u, v, np.stack([np.ones_like(sp), sp / (sp.max() + 1e-6)]))
        dens = acc[0]
        h = acc[1] / np.maximum(dens, 1e-6)
        level = np.log1p(dens * 4) / np.log1p(4 * np.quantile(dens[dens > 0], 0.995))
        return _tonemap(_glow(colour(h) * np.clip(level, 0, 1.5)[None], 4, 0.5), exposure)
    return frame


def laser(rng):
    """Laser fans sweeping through haze, or light rays (god rays) from a bright source."""
    x, y = _coords()
    colour = _palette(rng, "laser")
    haze = 0.55 + 0.45 * _normalise(_fbm(rng, base=3, octaves=4))
    if rng.uniform() < 0.65:
        fans = []
        for _ in range(int(rng.integers(1, 4))):
            ox, oy = rng.uniform(-1, 1), rng.choice([-1.1, 1.1, rng.uniform(-0.5, 0.5)])
            aim = math.atan2(-oy, -ox * 0.3) + rng.uniform(-0.4, 0.4)
            fans.append((ox, oy, aim, rng.uniform(0.3, 1.6), int(rng.integers(3, 14)), rng.uniform(0.004, 0.012),
                         rng.uniform(0.2, 0.9), rng.uniform(0, TAU), rng.uniform(0, 1)))

        def frame(t):
            light = np.zeros((3,) + x.shape, F32)
            for ox, oy, aim, spread, beams, width, sweep, phase, hue in fans:
                for k in range(beams):
                    th = aim + spread * (k / max(beams - 1, 1) - 0.5) + sweep * math.sin(1.3 * t + phase)
                    dx, dy = math.cos(th), math.sin(th)
                    rx, ry = x - F32(ox), y - F32(oy)
                    along = rx * F32(dx) + ry * F32(dy)
                    d = np.abs(rx * F32(dy) - ry * F32(dx))
                    beam = (np.exp(-(d / F32(width)) ** 2) * 1.5 + F32(width) * 2 / (d + F32(width) * 2) * 0.25)
                    beam = beam * (along > 0) * np.exp(-np.maximum(along, 0) * 0.3)
                    light += colour(np.full((1, 1), hue + 0.05 * k, F32)) * beam[None]
            return _tonemap(light * haze[None], 1.3)
        return frame
    cx, cy = rng.uniform(-0.5, 0.5), rng.uniform(-0.8, 0.2)
    shafts, sharp, spin = int(rng.integers(8, 40)), rng.uniform(2, 8), rng.uniform(-0.3, 0.3)
    jitter = rng.uniform(0, TAU, 5)
    r = np.sqrt((x - F32(cx)) ** 2 + (y - F32(cy)) ** 2)
    th = np.arctan2(y - F32(cy), x - F32(cx))

    def frame(t):
        a = th + spin * t
        m = sum(np.sin(a * (shafts + 3 * j) + jitter[j] + 0.7 * t * (j + 1)) for j in range(3)) / 3
        rays = (0.5 + 0.5 * m) ** sharp
        core = np.exp(-r * 6) * 2
        light = colour(0.3 * r + 0.1 * t) * (rays * np.exp(-r * 1.2) * 1.2 + core)[None]
        return _tonemap(light * haze[None], 1.5)
    return frame


def op_art(rng):
    """Bridget Riley / Vasarely line fields: crisp stripes, rings and checkers bent by a bulge."""
    x, y = _coords()
    kind = rng.integers(0, 3)
    freq, amp, size = rng.uniform(25, 70), rng.uniform(0.1, 0.4), rng.uniform(0.2, 0.6)
    bx, by, wx, wy = *rng.uniform(-0.5, 0.5, 2), *rng.uniform(0.3, 0.9, 2)
    colour, angle, duo = _palette(rng, "op_art"), rng.uniform(0, math.pi), rng.uniform() < 0.4
    wave = rng.uniform(1, 5)
    xr, yr = _rotate(x, y, angle)

    def frame(t):
        cx, cy = bx + 0.2 * math.sin(wx * t), by + 0.2 * math.cos(wy * t)
        bulge = np.exp(-((x - F32(cx)) ** 2 + (y - F32(cy)) ** 2) / F32(size ** 2))
        if kind == 0:  # stripes bent by the bulge and a wave
            g = yr + F32(amp) * bulge * np.sign(yr - F32(cy)) + F32(0.05) * np.sin(xr * F32(wave) + F32(t))
            v = np.sin(g * F32(freq))
        elif kind == 1:  # rings squeezed around the bulge
            rr = np.sqrt((x - F32(cx)) ** 2 + (y - F32(cy)) ** 2)
            v = np.sin((rr - F32(amp) * bulge * rr) * F32(freq) - F32(2 * t))
        else:  # checkerboard on a sphere bulge
            s = 1 - F32(amp * 1.5) * bulge
            v = np.sin(xr * s * F32(freq / 2)) * np.sin(yr * s * F32(freq / 2))
        m = np.clip(v * 3 + 0.5, 0, 1)  # crisp, a pixel or two of antialiasing
        if duo:
            return colour(m * 0.5)
        ink = colour(np.full((1, 1), 0.0, F32))
        return ink / np.maximum(ink.max(), 0.3) * m[None] + (1 - m[None]) * 0.03  # a bright ink on black
    return frame


def particles(rng):
    """Particles as glowing dots with short trails: a swarm in a turning flow, a vortex of orbits, or a fountain
    bursting from a point under gravity."""
    count = int(rng.integers(400, 2500))
    colour, hue = _palette(rng, "particles"), rng.uniform(0, 0.4, count).astype(F32)
    size, exposure = rng.uniform(0.8, 2.0), rng.uniform(1.2, 2.5)
    cx, cy = rng.uniform(-0.3, 0.3, 2)
    mode = rng.integers(0, 3)
    if mode == 0:
        start = rng.uniform(-1, 1, (2, count))
        k1, k2, pull = rng.uniform(1, 4, 2), rng.uniform(1, 4, 2), rng.uniform(0.2, 0.8)

        def trail(t):
            px, py = start[0].copy(), start[1].copy()
            steps, dt = 40 + int(t * 20), 0.05
            out = []
            for i in range(steps):
                s = i * dt
                vx = np.sin(k1[0] * py + 0.8 * s) + np.cos(k1[1] * px - 0.5 * s) - pull * (px - cx)
                vy = np.sin(k2[0] * px - 0.7 * s) + np.cos(k2[1] * py + 0.4 * s) - pull * (py - cy)
                px, py = px + dt * 0.3 * vx, py + dt * 0.3 * vy
                if i >= steps - 6:
                    out.append((px, py))
            return out
    elif mode == 1:
        radius = rng.uniform(0.05, 0.95, count) ** rng.uniform(0.5, 1.5)
        angle, spin = rng.uniform(0, TAU, count), rng.choice([-1, 1]) * rng.uniform(0.3, 1.0)
        arms, wobble, tilt = int(rng.integers(2, 6)), rng.uniform(0.02, 0.1), rng.uniform(0.4, 1.0)

        def trail(t):
            out = []
            for k in range(6):
                a = angle + spin * (t - (5 - k) * 0.02) / (radius + 0.15)
                r = radius * (1 + wobble * np.sin(arms * a))
                out.append((cx + r * np.cos(a), cy + tilt * r * np.sin(a)))
            return out
    else:
        direction = rng.uniform(-math.pi, math.pi) if rng.uniform() < 0.3 else -math.pi / 2
        spread, speed, gravity = rng.uniform(0.3, math.pi), rng.uniform(0.8, 2.0), rng.uniform(0, 2.5)
        heading = direction + spread * rng.uniform(-1, 1, count)
        velocity = speed * rng.uniform(0.4, 1.0, count)
        phase, ox, oy = rng.uniform(0, 1, count), cx, cy + (0.5 if direction == -math.pi / 2 else 0)

        def trail(t):
            out = []
            for k in range(6):
                age = (phase + 0.5 * (t - (5 - k) * 0.015)) % 1
                out.append((ox + velocity * np.cos(heading) * age,
                            oy + velocity * np.sin(heading) * age + 0.5 * gravity * age ** 2))
            return out

    def frame(t):
        points = trail(t)
        xs, ys = np.concatenate([p[0] for p in points]), np.concatenate([p[1] for p in points])
        ws = np.concatenate([np.full(count, (k + 1) / len(points), F32) for k in range(len(points))])
        acc = _splat(xs, ys, np.stack([ws, ws * np.tile(hue, len(points))]))
        dens = acc[0]
        h = acc[1] / np.maximum(dens, 1e-6)
        light = colour(h) * dens[None]
        return _tonemap(_glow(_blur(light, size) * 3, 6, 0.8), exposure)
    return frame


def grid(rng):
    """Perspective grids: a synthwave floor under a sun, or a square tunnel of grid lines, flying forward."""
    x, y = _coords()
    colour, speed = _palette(rng, "grid"), rng.uniform(0.5, 2.0)
    density, width = rng.uniform(1.5, 4), rng.uniform(0.04, 0.1)
    line_hue, sky_hue = rng.uniform(0, 1), rng.uniform(0, 1)
    if rng.uniform() < 0.5:
        horizon, height = rng.uniform(-0.3, 0.1), rng.uniform(0.3, 0.8)
        sun_r, mirror = rng.uniform(0.2, 0.45), rng.uniform() < 0.3
        below = (y - F32(horizon)) if not mirror else np.abs(y - F32(horizon))
        depth = F32(height) / np.maximum(below, F32(1e-3))
        floor = below > 0.004

        def frame(t):
            u, v = x * depth * F32(density), depth * F32(density) + F32(speed * t)
            fu, fv = np.abs(u - np.round(u)), np.abs(v - np.round(v))
            # line width grows with distance in the grid's units, so lines stay about width pixels-ish wide
            wu, wv = F32(width) * depth ** 0.5 * 0.5, F32(width) * depth * 0.5
            lines = np.maximum(np.clip(1 - fu / (wu + 1e-3), 0, 1), np.clip(1 - fv / (wv + 1e-3), 0, 1))
            lines = lines * floor * np.exp(-depth * 0.05)
            sky = colour(np.full((1, 1), sky_hue, F32)) * np.clip(F32(horizon) - y + 0.2, 0, 1)[None] * 0.6
            sr = np.sqrt(x ** 2 + (y - F32(horizon - sun_r * 0.6)) ** 2)
            cut = np.sin((y - F32(t * 0.1)) * 60) > (F32(horizon) - y) * 6 - 1.6
            sun = (sr < sun_r) * (y < horizon) * cut if not mirror else np.zeros_like(sr)
            sun_col = colour(0.5 * (y - F32(horizon)) + sky_hue + 0.3)
            light = colour(np.full((1, 1), line_hue, F32)) * lines[None] * 1.5 + sun_col * sun[None]
            return _tonemap(_glow(light + sky * (1 - floor[None]), 5, 0.7), 1.6)
        return frame
    cx, cy = rng.uniform(-0.2, 0.2, 2)
    spin = rng.uniform(-0.4, 0.4)

    def frame(t):
        xr, yr = _rotate(x - F32(cx), y - F32(cy), spin * t)
        m = np.maximum(np.abs(xr), np.abs(yr)) + F32(1e-3)
        depth = F32(0.5) / m
        along = np.where(np.abs(xr) > np.abs(yr), yr / m, xr / m)
        u, v = along * F32(density), depth * F32(density * 0.5) + F32(speed * t)
        fu, fv = np.abs(u - np.round(u)), np.abs(v - np.round(v))
        lines = np.maximum(np.clip(1 - fu / F32(width * 0.6), 0, 1), np.clip(1 - fv / (F32(width) * depth * 0.3), 0, 1))
        lines = lines * np.clip(m * 1.5, 0, 1)
        light = colour(0.15 * depth + line_hue) * lines[None] * 1.5
        return _tonemap(_glow(light, 5, 0.7), 1.6)
    return frame


def liquid(rng):
    """Marbled ink: bands of colour pulled through a warped flow, or ink clouds blooming in dark water."""
    x, y = _coords()
    wa, wb = _fbm(rng, base=2, octaves=4), _fbm(rng, base=3, octaves=4)
    colour, strength = _palette(rng, "liquid"), rng.uniform(0.5, 1.4)
    marble, freq = rng.uniform() < 0.55, rng.uniform(2, 7)
    angle, flow = rng.uniform(0, math.pi), rng.uniform(0.05, 0.2)
    xr, _ = _rotate(x, y, angle)
    drops = [(*rng.uniform(-0.7, 0.7, 2), rng.uniform(0.15, 0.45), rng.uniform(0, 1)) for _ in range(rng.integers(3, 7))]

    def frame(t):
        ox = F32(flow * t)
        w1 = _sample(wa, x + ox, y)
        w2 = _sample(wb, x + F32(strength) * w1, y + F32(strength) * w1 - ox)
        if marble:
            g = xr + F32(strength) * (w1 + 0.6 * w2)
            bands = g * F32(freq)
            m = bands - np.floor(bands)
            edge = np.clip(np.minimum(m, 1 - m) * 40, 0, 1)  # thin dark veins between the bands
            return colour(np.floor(bands) * 0.37 + 0.2 * m) * (0.3 + 0.7 * edge)[None]
        light = np.zeros((3,) + x.shape, F32)
        for cx, cy, rad, hue in drops:
            dx, dy = x - F32(cx) + F32(0.3) * w2, y - F32(cy) + F32(0.3) * w1
            r = np.sqrt(dx * dx + dy * dy) / F32(rad * (1 + 0.1 * t))
            ink = np.clip((1 - r) * 4, 0, 1) * (0.6 + 0.4 * np.cos(r * 14 + w2 * 6))
            light += colour(np.full((1, 1), hue, F32) + 0.2 * r[None, None].squeeze()) * ink[None]
        return _tonemap(light, 1.8)
    return frame


GENERATORS = {name: globals()[name] for name in STYLES}


def _frames(style, seed, times):
    rng = np.random.default_rng([STYLES.index(style), seed])
    flip = rng.uniform() < 0.5
    draw = GENERATORS[style](rng)
    out = np.stack([np.clip(draw(t), 0, 1) for t in times]).astype(F32)
    return out[..., ::-1].copy() if flip else out


def make_image(style, seed):
    """One picture of `style` from `seed`: float32 array [3, SIZE, SIZE] in [0, 1]."""
    return _frames(style, seed, [0.0])[0]


def make_clip(style, seed, frames=8, dt=1 / 12):
    """`frames` pictures of `style` from `seed`, dt seconds apart: float32 [frames, 3, SIZE, SIZE] in [0, 1].
    The first is make_image(style, seed)."""
    return _frames(style, seed, [i * dt for i in range(frames)])


def _save(rows, path, scale):
    from PIL import Image
    grid = (np.concatenate(rows, 1).transpose(1, 2, 0) * 255).round().astype(np.uint8)
    Image.fromarray(grid).resize((grid.shape[1] // scale, grid.shape[0] // scale), Image.LANCZOS).save(path)
    print("wrote", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grid", help="preview grid: one row per style, --per-style pictures")
    parser.add_argument("--clip", help="preview strip: one row per style, a clip's --frames frames")
    parser.add_argument("--speed", action="store_true", help="pictures/s per style (one core, 256x256)")
    parser.add_argument("--per-style", type=int, default=6)
    parser.add_argument("--frames", type=int, default=6)
    parser.add_argument("--dt", type=float, default=0.25, help="seconds between the preview clip's frames")
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--scale", type=int, default=2, help="preview downscale")
    args = parser.parse_args()
    styles = args.styles.split(",")
    if args.grid or args.speed:
        rows = []
        for style in styles:
            start = time.process_time()
            row = [make_image(style, args.seed + s) for s in range(args.per_style)]
            spent = time.process_time() - start
            print(f"{style:20s} {spent / args.per_style * 1000:7.1f} ms/picture  {args.per_style / spent:6.1f} pictures/s")
            rows.append(np.concatenate(row, 2))
        if args.grid:
            _save(rows, args.grid, args.scale)
    if args.clip:
        rows = []
        for style in styles:
            start = time.process_time()
            clip = make_clip(style, args.seed, args.frames, args.dt)
            print(f"{style:20s} {(time.process_time() - start) / args.frames * 1000:7.1f} ms/frame")
            rows.append(np.concatenate(list(clip), 2))
        _save(rows, args.clip, args.scale)


if __name__ == "__main__":
    main()
