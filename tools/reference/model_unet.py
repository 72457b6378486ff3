"""Goldens for the SD UNet family (engine/models/unet.*), from diffusers'
UNet2DConditionModel with small random-weight configurations:

- unet_tiny_linear: SD 2.x / SD-Turbo style (linear projections, head count
  per block as a list, CrossAttnDown + Down, Up + CrossAttnUp, mid block).
- unet_tiny_conv: SD 1.x style (1x1-conv projections, a single head count,
  three blocks, two transformer layers in the last block).

Each folder under tests/golden/models/ holds config.json and the weights in
float16 (diffusion_pytorch_model.safetensors, as users' fp16 folders); the
reference evaluates the same f16 values in float32.
tests/golden/models/unet.safetensors holds per case: sample, timesteps,
context, output.
"""
import json

import torch
from diffusers import UNet2DConditionModel
from safetensors.torch import save_file

from golden_io import GOLDEN_DIR, GoldenWriter, f16

CONFIGS = {
    "unet_tiny_linear": dict(
        sample_size=16, in_channels=4, out_channels=4, block_out_channels=(16, 32), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        attention_head_dim=(2, 4), cross_attention_dim=24, norm_num_groups=4, use_linear_projection=True),
    "unet_tiny_conv": dict(
        sample_size=16, in_channels=4, out_channels=4, block_out_channels=(8, 16, 16), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        attention_head_dim=1, cross_attention_dim=16, norm_num_groups=4, use_linear_projection=False,
        transformer_layers_per_block=(1, 2, 1)),
}


def randomize(model, seed):
    """Default init leaves several layers at zero or near-identity: give every
    parameter a seeded value of a sensible scale so each path matters."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ("norm" in name):
                base = 1.0 if name.endswith("weight") else 0.0
                p.copy_(base + 0.1 * torch.randn(p.shape, generator=generator))
            elif p.dim() == 1:
                p.copy_(0.05 * torch.randn(p.shape, generator=generator))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator) / fan_in ** 0.5)


def main():
    writer = GoldenWriter("models/unet.safetensors")
    for seed, (name, config) in enumerate(CONFIGS.items()):
        model = UNet2DConditionModel(**config).eval()
        randomize(model, 100 + seed)
        model = model.half().float()  # the reference sees exactly the stored f16 weights
        folder = GOLDEN_DIR / "models" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(dict(model.config), indent=2, sort_keys=True, default=list))
        save_file({k: v.half().contiguous() for k, v in model.state_dict().items()},
                  str(folder / "diffusion_pytorch_model.safetensors"))
        generator = torch.Generator().manual_seed(200 + seed)
        size = config["sample_size"]
        sample = f16(torch.randn(2, 4, size, size, generator=generator))
        timesteps = torch.tensor([999.0, 249.0])
        context = f16(torch.randn(2, 7, config["cross_attention_dim"], generator=generator))
        with torch.no_grad():
            output = model(sample, timesteps, encoder_hidden_states=context).sample
        params = sum(p.numel() for p in model.parameters())
        writer.add(name, {"parameters": params}, sample=sample, timesteps=timesteps, context=context, output=output)
        print(f"{name}: {params} parameters, output std {output.std():.3f}")
    writer.save()


if __name__ == "__main__":
    main()
