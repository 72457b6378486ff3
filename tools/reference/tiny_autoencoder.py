"""An independent PyTorch description of the TAESD family (madebyollin/taesd,
MIT) for golden fixtures: the same nn.Sequential indices as the released
checkpoints, with the width and latent channels as parameters so that small
random-weight variants can be made. TAEF2 ("flux_2") adds the pool path
x = x + pool(x) in the lowest-resolution blocks."""
import torch
from torch import nn


def conv3x3(n_in, n_out, stride=1, bias=True):
    return nn.Conv2d(n_in, n_out, 3, stride=stride, padding=1, bias=bias)


class TanhClamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


class Block(nn.Module):
    def __init__(self, channels, pool=False):
        super().__init__()
        self.conv = nn.Sequential(conv3x3(channels, channels), nn.ReLU(), conv3x3(channels, channels), nn.ReLU(),
                                  conv3x3(channels, channels))
        self.pool = None
        if pool:
            wide = channels * 4
            self.pool = nn.Sequential(nn.Conv2d(channels, wide, 1, bias=False), nn.GroupNorm(4, wide), nn.ReLU(),
                                      nn.Conv2d(wide, channels, 1, bias=False))

    def forward(self, x):
        if self.pool is not None:
            x = x + self.pool(x)
        return torch.relu(self.conv(x) + x)


def encoder(latent_channels=4, width=64, pool=False):
    w = width
    return nn.Sequential(
        conv3x3(3, w), Block(w),
        conv3x3(w, w, 2, False), Block(w), Block(w), Block(w),
        conv3x3(w, w, 2, False), Block(w), Block(w), Block(w),
        conv3x3(w, w, 2, False), Block(w, pool), Block(w, pool), Block(w, pool),
        conv3x3(w, latent_channels))


def decoder(latent_channels=4, width=64, pool=False):
    w = width
    up = lambda: nn.Upsample(scale_factor=2, mode="nearest")
    return nn.Sequential(
        TanhClamp(), conv3x3(latent_channels, w), nn.ReLU(),
        Block(w, pool), Block(w, pool), Block(w, pool), up(), conv3x3(w, w, bias=False),
        Block(w), Block(w), Block(w), up(), conv3x3(w, w, bias=False),
        Block(w), Block(w), Block(w), up(), conv3x3(w, w, bias=False),
        Block(w), conv3x3(w, 3))
