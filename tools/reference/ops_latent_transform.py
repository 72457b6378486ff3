"""Goldens for nn::latentTransform: grid_sample(x, affine_grid(theta), bilinear,
align_corners=False) with reflection or border padding, and for nn::motionMatrix
(zoom about the centre, counter-clockwise rotation on screen in pixel space,
translation in fractions of the picture)."""
import math

import torch
import torch.nn.functional as F

from golden_io import GoldenWriter, f16


def motion_theta(zoom, rotate, tx, ty, width, height):
    c, s = math.cos(rotate) / zoom, math.sin(rotate) / zoom
    aspect = width / height
    return torch.tensor([[c, -s / aspect, -2 * tx], [s * aspect, c, -2 * ty]], dtype=torch.float32)


def main():
    writer = GoldenWriter("ops/latent_transform.safetensors")
    generator = torch.Generator().manual_seed(31)
    cases = [
        # name, shape, (zoom, rotate, tx, ty), padding
        ("zoom_in", (1, 4, 12, 16), (1.25, 0.0, 0.0, 0.0), "reflection"),
        ("zoom_out_reflect", (1, 4, 12, 16), (0.6, 0.0, 0.05, 0.0), "reflection"),
        ("zoom_out_border", (1, 4, 12, 16), (0.6, 0.0, 0.05, 0.0), "border"),
        ("rotate_reflect", (2, 3, 10, 10), (1.1, 0.5, 0.0, -0.1), "reflection"),
        ("far_translate_reflect", (1, 4, 8, 12), (1.0, -0.3, 1.7, -2.4), "reflection"),
        ("far_translate_border", (1, 4, 8, 12), (0.8, 2.0, 0.6, 0.3), "border"),
    ]
    for name, shape, (zoom, rotate, tx, ty), padding in cases:
        x = f16(torch.randn(shape, generator=generator))
        n, _, h, w = shape
        theta = motion_theta(zoom, rotate, tx, ty, w, h)
        grid = F.affine_grid(theta.expand(n, 2, 3), list(shape), align_corners=False)
        out = F.grid_sample(x, grid, mode="bilinear", padding_mode=padding, align_corners=False)
        params = {"zoom": zoom, "rotate": rotate, "translate_x": tx, "translate_y": ty,
                  "edges": "reflect" if padding == "reflection" else "clamp"}
        writer.add(name, params, input=x, theta=theta.reshape(6), output=out)
    writer.save()


if __name__ == "__main__":
    main()
