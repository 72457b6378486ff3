"""The report's judges of generated pictures beside the nearest-centroid
statistics in report.py:

- StyleJudge: a small convolutional classifier of the styles, trained on CPU
  for a fixed number of steps (a few minutes; seeded, so the same judge on
  every machine) on procedural pictures from seeds no model trains on
  (JUDGE_SEED on), cached in --work by the data world it was trained on;
- hue_entropy: colour diversity, the entropy (bits) of the hue histogram of
  the coloured pixels of a set of pictures (a render), 36 bins: 0 for one hue,
  5.17 for all hues alike;
- sharpness: the high-frequency energy of the luminance (mean square of the
  picture minus its 2-pixel blur), to compare with held-out pictures';
- flicker: the mean absolute frame-to-frame change of the 8x8-pooled
  luminance of a clip (the coarse, whole-region changes an audience sees as
  flashing, not the motion of fine detail).
"""
import hashlib
import multiprocessing
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

JUDGE_SEED = 2_000_000  # pictures for the judge's training: neither train.py's (0..) nor report.py's (1,000,000..)
JUDGE_SIZE = 96         # the judge looks at pictures shrunk to 96x96 (area): cells, rings and lines stay, CPU stays cheap


def luminance(images):
    return (0.299 * images[:, 0] + 0.587 * images[:, 1] + 0.114 * images[:, 2])


def hue_entropy(images, bins=36):
    """images [N, 3, H, W] in [0, 1] -> entropy in bits of the hue histogram of pixels with saturation and value
    over 0.2 (greys carry no hue), pooled over all pictures; 0 when no pixel is coloured."""
    mx, mn = images.max(1).values, images.min(1).values
    chroma = mx - mn
    r, g, b = images[:, 0], images[:, 1], images[:, 2]
    safe = chroma.clamp(min=1e-6)
    hue = torch.where(mx == r, ((g - b) / safe) % 6, torch.where(mx == g, (b - r) / safe + 2, (r - g) / safe + 4)) / 6
    coloured = (chroma / mx.clamp(min=1e-6) > 0.2) & (mx > 0.2)
    if not coloured.any():
        return 0.0
    p = torch.histc(hue[coloured], bins, 0, 1)
    p = p / p.sum()
    p = p[p > 0]
    return float(-(p * torch.log2(p)).sum())


def sharpness(images):
    """Mean square of the luminance minus its blur (a 5x5 binomial, sigma ~1 pixel): [N] per picture."""
    lum = luminance(images)[:, None]
    k = torch.tensor([1., 4., 6., 4., 1.]) / 16
    blur = F.conv2d(F.pad(lum, (2, 2, 2, 2), mode="reflect"), (k[:, None] * k[None])[None, None])
    return ((lum - blur) ** 2).mean((1, 2, 3))


def flicker(clip):
    """clip [T, 3, H, W] -> mean absolute change of the 8x8-pooled luminance between consecutive frames."""
    pooled = F.avg_pool2d(luminance(clip)[:, None], 8)
    return float((pooled[1:] - pooled[:-1]).abs().mean())


class JudgeNet(torch.nn.Module):
    def __init__(self, classes):
        super().__init__()
        widths = [3, 24, 48, 64, 96, 128]
        layers = []
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [torch.nn.Conv2d(a, b, 3, stride=2, padding=1), torch.nn.BatchNorm2d(b), torch.nn.ReLU()]
        self.features = torch.nn.Sequential(*layers)
        self.head = torch.nn.Linear(widths[-1] * 2, classes)

    def forward(self, x):  # x [N, 3, JUDGE_SIZE, JUDGE_SIZE] in [0, 1]
        f = self.features(x * 2 - 1)
        return self.head(torch.cat([f.mean((2, 3)), f.amax((2, 3))], 1))


def shrink(images):
    return F.interpolate(images.float(), size=(JUDGE_SIZE, JUDGE_SIZE), mode="area")


def _judge_pictures(job):
    import data
    style, first, end = job
    torch.set_num_threads(1)
    pics = torch.stack([torch.as_tensor(np.asarray(data.make_image(style, seed))) for seed in range(first, end)])
    return (shrink(pics) * 255).round().byte()


def _augment(x, gen):
    """Random crops back to size (zoom up to 1.25x), mirror, brightness, and on a third of the batch a blur of
    up to 2 pixels: the judge should name the style of a softer or shifted picture, and sharpness is measured
    apart."""
    n, _, h, w = x.shape
    scale = 1 + 0.25 * torch.rand(n, generator=gen)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1 / scale
    theta[:, :, 2] = (torch.rand(n, 2, generator=gen) * 2 - 1) * (1 - 1 / scale)[:, None]
    theta[:, 0, 0] *= torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0)
    x = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), align_corners=False,
                      padding_mode="reflection")
    x = x * (0.8 + 0.4 * torch.rand(n, 1, 1, 1, generator=gen))
    soft = torch.rand(n, generator=gen) < 0.33
    if soft.any():
        k = torch.tensor([1., 4., 6., 4., 1.]) / 16
        k2 = (k[:, None] * k[None])[None, None].repeat(3, 1, 1, 1)
        x[soft] = F.conv2d(F.pad(x[soft], (2, 2, 2, 2), mode="reflect"), k2, groups=3)
    return x.clamp(0, 1)


def _data_fingerprint():
    import data
    return hashlib.sha256(Path(data.__file__).read_bytes()).hexdigest()[:12]


class StyleJudge:
    """Trains (or loads from `work`) the classifier of `styles`: per_style pictures each, `steps` steps."""

    def __init__(self, styles, work, per_style=150, steps=1500, workers=2, log=print):
        self.styles = list(styles)
        key = hashlib.sha256(f"{self.styles} {per_style} {steps} {JUDGE_SIZE} {_data_fingerprint()}".encode()).hexdigest()[:12]
        path = Path(work) / f"judge_{key}.pt"
        self.net = JudgeNet(len(self.styles))
        if path.exists():
            saved = torch.load(path, weights_only=False)
            self.net.load_state_dict(saved["model"])
            self.info = saved["info"]
        else:
            self.info = self._train(per_style, steps, workers, log)
            Path(work).mkdir(parents=True, exist_ok=True)
            torch.save({"model": self.net.state_dict(), "info": self.info}, path)
        self.net.eval()

    def _train(self, per_style, total, workers, log):
        start = time.time()
        jobs = [(s, JUDGE_SEED + a, JUDGE_SEED + min(a + 25, per_style)) for s in self.styles
                for a in range(0, per_style, 25)]
        with multiprocessing.get_context("spawn").Pool(max(1, workers)) as pool:
            parts = pool.map(_judge_pictures, jobs)
        pics = torch.cat(parts)
        labels = torch.tensor([self.styles.index(j[0]) for j, p in zip(jobs, parts) for _ in range(len(p))])
        drawn = time.time() - start
        log(f"judge: {len(pics)} pictures drawn in {drawn:.0f} s")
        torch.manual_seed(0)
        gen = torch.Generator().manual_seed(0)
        opt = torch.optim.AdamW(self.net.parameters(), lr=2e-3, weight_decay=1e-4)
        batch = 32
        train_start = time.time()
        self.net.train()
        for step in range(total):
            idx = torch.randint(0, len(pics), (batch,), generator=gen)
            x = _augment(pics[idx].float() / 255, gen)
            loss = F.cross_entropy(self.net(x), labels[idx], label_smoothing=0.05)
            for g in opt.param_groups:
                g["lr"] = 2e-3 * 0.5 * (1 + np.cos(np.pi * step / total))
            opt.zero_grad()
            loss.backward()
            opt.step()
            if (step + 1) % 100 == 0:
                log(f"judge step {step + 1}: loss {loss.item():.3f} ({time.time() - train_start:.0f} s)")
        return {"pictures": len(pics), "steps": total, "batch": batch, "seconds": round(time.time() - start)}

    def predict(self, images):
        """images [N, 3, 256, 256] in [0, 1] -> predicted style indices [N] (into self.styles)."""
        with torch.no_grad():
            x = shrink(images)
            return torch.cat([self.net(x[i:i + 64]).argmax(1) for i in range(0, len(x), 64)])
