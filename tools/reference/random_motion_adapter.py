"""Writes a diffusers MotionAdapter folder with seeded random weights shaped
for a given UNet (its unet/config.json), for timing and memory checks of the
temporal layers where no trained motion weights fit that UNet (e.g. the
project's default model). The pictures it makes are not a video model's.

  random_motion_adapter.py MODEL_DIR/unet/config.json MODEL_DIR/motion_adapter [--seed N]
"""
import argparse
import json
from pathlib import Path

import torch
from diffusers import MotionAdapter
from safetensors.torch import save_file

from model_unet import randomize


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("unet_config")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    unet = json.loads(Path(args.unet_config).read_text())
    channels = unet["block_out_channels"]
    groups = 32 if all(c % 32 == 0 for c in channels) else unet.get("norm_num_groups", 32)
    adapter = MotionAdapter(block_out_channels=channels, motion_layers_per_block=unet.get("layers_per_block", 2),
                            motion_norm_num_groups=groups, motion_num_attention_heads=8,
                            use_motion_mid_block=unet.get("mid_block_type", "UNetMidBlock2DCrossAttn") is not None)
    randomize(adapter, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(dict(adapter.config), indent=2, sort_keys=True, default=list))
    save_file({k: v.half().contiguous() for k, v in adapter.state_dict().items()},
              str(out / "diffusion_pytorch_model.safetensors"))
    print(f"{out}: {sum(p.numel() for p in adapter.parameters()) / 1e6:.2f}M parameters")


if __name__ == "__main__":
    main()
