"""Goldens for temporal layers (engine/models/motion_adapter.*): diffusers'
UNetMotionModel built from a tiny random SD 1.x-style UNet and a tiny random
MotionAdapter, the two folders written as users bring them (UNet folder and
adapter folder, each config.json + float16 safetensors):

- clip: the UNet call's frames attend to each other both ways (the diffusers
  pipeline's way): sample [F, 4, h, w] as F frames of one clip.
- stream: frames one at a time, each temporal layer keeping the inputs of the
  last window - 1 frames (the first frame repeated before there are that
  many) and attending causally over the window; the reference is diffusers'
  own temporal transformer run on that window with a causal attention mask.
- sliding: the sampler's sliding window (engine/models/sampler_graph.*),
  one step: every frame the inputs of the last window frames (the first
  frame repeated before there are that many), each x = a init + b noise, go
  through UNetMotionModel as one clip (both ways) at s x; the window's final
  latents c x + d prediction; the newest row and the row `lookahead` before
  it are the golden.

tests/golden/models/motion_adapter.safetensors holds the inputs and outputs.
"""
import json

import torch
import torch.nn.functional as F
from diffusers import MotionAdapter, UNet2DConditionModel, UNetMotionModel
from safetensors.torch import save_file

from golden_io import GOLDEN_DIR, GoldenWriter, f16
from model_unet import randomize

UNET = dict(
    sample_size=8, in_channels=4, out_channels=4, block_out_channels=(16, 32), layers_per_block=1,
    down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
    attention_head_dim=2, cross_attention_dim=16, norm_num_groups=4, use_linear_projection=False)
ADAPTER = dict(block_out_channels=(16, 32), motion_layers_per_block=1, motion_mid_block_layers_per_block=1,
               motion_num_attention_heads=4, motion_norm_num_groups=4, motion_max_seq_length=16,
               use_motion_mid_block=True)
FRAMES = 4       # clip length
STREAMED = 5     # frames streamed
WINDOW = 3       # streaming window
SLIDING = dict(frames=5, window=4, lookahead=1, coefficients=[0.6, 0.8, 0.9, 1.1, -0.4])


class CausalFrameAttention:
    """diffusers' attention with a causal mask over the frames."""

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None, **kwargs):
        q, k, v = attn.to_q(hidden_states), attn.to_k(hidden_states), attn.to_v(hidden_states)
        b, f, c = q.shape
        split = lambda t: t.view(b, f, attn.heads, c // attn.heads).transpose(1, 2)
        y = F.scaled_dot_product_attention(split(q), split(k), split(v), is_causal=True)
        return attn.to_out[1](attn.to_out[0](y.transpose(1, 2).reshape(b, f, c)))


class StreamedTemporalLayer(torch.nn.Module):
    """Wraps a temporal transformer: one frame in, the window's last frame out."""

    def __init__(self, layer, window):
        super().__init__()
        self.layer, self.window, self.history = layer, window, None

    def forward(self, hidden_states, *args, **kwargs):  # the mid block passes num_frames by position
        assert hidden_states.shape[0] == 1
        if self.history is None:
            self.history = hidden_states.repeat(self.window - 1, 1, 1, 1)
        window = torch.cat([self.history, hidden_states])
        self.history = window[1:]
        out = self.layer(window, num_frames=self.window)
        out = out.sample if hasattr(out, "sample") else out
        return out[-1:]


def motion_modules(model):
    for name, module in model.named_modules():
        if name.endswith("motion_modules"):
            for i in range(len(module)):
                yield module, i


def sliding(model, context, writer):
    generator = torch.Generator().manual_seed(303)
    frames, window, lookahead = SLIDING["frames"], SLIDING["window"], SLIDING["lookahead"]
    init_scale, noise_scale, input_scale, from_sample, from_prediction = SLIDING["coefficients"]
    size = UNET["sample_size"]
    inits = f16(torch.randn(frames, 4, size, size, generator=generator))
    noises = f16(torch.randn(frames, 4, size, size, generator=generator))
    timestep = torch.tensor([499.0])
    newest, shown = [], []
    with torch.no_grad():
        for f in range(frames):
            rows = [max(0, i) for i in range(f - window + 1, f + 1)]
            x = init_scale * inits[rows] + noise_scale * noises[rows]
            clip = model((input_scale * x).permute(1, 0, 2, 3).unsqueeze(0), timestep,
                         encoder_hidden_states=context.repeat(window, 1, 1)).sample[0].permute(1, 0, 2, 3)
            final = from_sample * x + from_prediction * clip
            newest.append(final[-1:])
            shown.append(final[window - 1 - lookahead:window - lookahead])
    writer.add("sliding", dict(SLIDING), init=inits, noise=noises, timestep=timestep.clone(), context=context.clone(),
               newest=torch.cat(newest), shown=torch.cat(shown))


def main():
    torch.manual_seed(0)
    unet = UNet2DConditionModel(**UNET).eval()
    randomize(unet, 300)
    adapter = MotionAdapter(**ADAPTER).eval()
    randomize(adapter, 301)  # proj_out is zero-initialised: random so the layers matter
    unet, adapter = unet.half().float(), adapter.half().float()
    for folder, model in (("motion_unet_tiny", unet), ("motion_adapter_tiny", adapter)):
        path = GOLDEN_DIR / "models" / folder
        path.mkdir(parents=True, exist_ok=True)
        (path / "config.json").write_text(json.dumps(dict(model.config), indent=2, sort_keys=True, default=list))
        save_file({k: v.half().contiguous() for k, v in model.state_dict().items()},
                  str(path / "diffusion_pytorch_model.safetensors"))

    model = UNetMotionModel.from_unet2d(unet, adapter).eval()
    writer = GoldenWriter("models/motion_adapter.safetensors")
    generator = torch.Generator().manual_seed(302)
    size = UNET["sample_size"]
    context = f16(torch.randn(1, 5, UNET["cross_attention_dim"], generator=generator))

    sample = f16(torch.randn(FRAMES, 4, size, size, generator=generator))
    timestep = torch.tensor([499.0])
    with torch.no_grad():
        # diffusers 0.3x+ takes the text per frame (the pipeline repeats it).
        clip = model(sample.permute(1, 0, 2, 3).unsqueeze(0), timestep,
                     encoder_hidden_states=context.repeat(FRAMES, 1, 1)).sample
        plain = unet(sample, timestep.repeat(FRAMES), encoder_hidden_states=context.repeat(FRAMES, 1, 1)).sample
    clip = clip[0].permute(1, 0, 2, 3)
    change = ((clip - plain).norm() / plain.norm()).item()
    print(f"clip: temporal layers change the output by {change:.3f} (relative L2)")
    assert change > 0.05, "temporal layers must matter for the golden to test them"
    writer.add("clip", {"frames": FRAMES}, sample=sample, timestep=timestep, context=context, output=clip)

    sliding(model, context, writer)

    for module, i in motion_modules(model):
        for block in module[i].transformer_blocks:
            block.attn1.set_processor(CausalFrameAttention())
            block.attn2.set_processor(CausalFrameAttention())
        module[i] = StreamedTemporalLayer(module[i], WINDOW)
    frames = f16(torch.randn(STREAMED, 4, size, size, generator=generator))
    outputs = []
    with torch.no_grad():
        for f in range(STREAMED):
            x = frames[f:f + 1].permute(1, 0, 2, 3).unsqueeze(0)
            outputs.append(model(x, timestep, encoder_hidden_states=context).sample[0].permute(1, 0, 2, 3))
    writer.add("stream", {"frames": STREAMED, "window": WINDOW}, sample=frames, timestep=timestep.clone(),
               context=context.clone(),
               output=torch.cat(outputs))
    writer.save()


if __name__ == "__main__":
    main()
