"""End-to-end goldens for `afterimage generate` (engine/models/diffusion_model,
sampler_graph): a complete diffusers model folder with small random weights,
tests/golden/models/tiny_pipeline/ (model_index.json, unet/, text_encoder/,
tokenizer/, scheduler/, vae/ as an AutoencoderTiny), saved in float16, and
StableDiffusionPipeline / StableDiffusionImg2ImgPipeline outputs for fixed
prompts with the project's seeded noise passed in as the latents/noise.

The tokenizer is CLIP's BPE cut to its first 300 merges with contiguous ids
(the real vocabulary would make the text encoder's embedding table 49408
rows); its pad token is "!" as in SD 2.x / SD-Turbo.
tests/golden/models/pipeline.safetensors holds per case: noise, (init), the
final latent and the image in [0, 1].
"""
import json
import shutil
import sys

import numpy as np
import torch
from PIL import Image
from diffusers import (AutoencoderTiny, EulerDiscreteScheduler, StableDiffusionImg2ImgPipeline,
                       StableDiffusionPipeline, UNet2DConditionModel)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

from golden_io import GOLDEN_DIR, GoldenWriter
from model_scheduler import seeded_noise
from model_tokenizer import bytes_to_unicode
from model_unet import randomize

FOLDER = GOLDEN_DIR / "models" / "tiny_pipeline"
CUT = GOLDEN_DIR / "tokenizer" / "clip_cut"
MERGES = 300


def write_tokenizer(folder):
    merges = [line for line in (CUT / "merges.txt").read_text().splitlines()[1:] if line][:MERGES]
    alphabet = list(bytes_to_unicode().values())  # in byte order, as CLIP builds its vocabulary
    tokens = alphabet + [c + "</w>" for c in alphabet] + ["".join(m.split()) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {}
    for t in tokens:
        vocab.setdefault(t, len(vocab))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(CUT / name, folder / name)
    special = json.loads((folder / "special_tokens_map.json").read_text())
    special["pad_token"] = "!"
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2))
    return len(vocab)


def main():
    if FOLDER.exists():
        shutil.rmtree(FOLDER)
    vocab_size = write_tokenizer(FOLDER / "tokenizer")
    tokenizer = CLIPTokenizer.from_pretrained(str(FOLDER / "tokenizer"))
    torch.manual_seed(500)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_attention_heads=4, num_hidden_layers=2,
        max_position_embeddings=77, hidden_act="gelu", initializer_factor=4.0,
        bos_token_id=vocab_size - 2, eos_token_id=vocab_size - 1, pad_token_id=0))
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(16, 32), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        attention_head_dim=(2, 4), cross_attention_dim=32, norm_num_groups=4, use_linear_projection=True)
    randomize(unet, 501)
    vae = AutoencoderTiny(encoder_block_out_channels=(8, 8, 8, 8), decoder_block_out_channels=(8, 8, 8, 8),
                          latent_channels=4)
    # Scaled so the decoder's output spans the image range rather than sitting at 0.
    with torch.no_grad():
        for name, p in vae.named_parameters():
            p.mul_(1.5 if p.dim() > 1 else 1.0)
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       timestep_spacing="trailing", steps_offset=1, prediction_type="epsilon")
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.to(torch.float16)
    pipe.save_pretrained(str(FOLDER), safe_serialization=True)
    (FOLDER / "tokenizer" / "tokenizer.json").unlink(missing_ok=True)  # only vocab.json + merges.txt are read
    # The reference is what a user's folder gives: reloaded, f16 weights run in f32.
    pipe = StableDiffusionPipeline.from_pretrained(str(FOLDER), torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)

    writer = GoldenWriter("models/pipeline.safetensors")
    size = 64
    shape = (1, 4, size // 8, size // 8)
    cases = [("txt2img_1step", "a misty forest", 1, None, 7), ("txt2img_2step", "neon city at night!", 2, None, 8)]
    for name, prompt, steps, _, seed in cases:  # prepare_latents scales the given noise by init_noise_sigma
        noise = seeded_noise(seed, int(np.prod(shape))).reshape(shape)
        with torch.no_grad():
            out = pipe(prompt, num_inference_steps=steps, guidance_scale=0.0, height=size, width=size,
                       latents=noise, output_type="np")
            latent = pipe(prompt, num_inference_steps=steps, guidance_scale=0.0, height=size, width=size,
                          latents=noise, output_type="latent").images
        image = torch.from_numpy(out.images).permute(0, 3, 1, 2)
        writer.add(name, {"prompt": prompt, "steps": steps, "seed": seed, "size": size}, noise=noise, latent=latent,
                   image=image)
        print(f"{name}: latent std {latent.std():.3f}, image mean {image.mean():.3f} std {image.std():.3f}")

    # Classifier-free guidance (a model that needs it): 2 steps at scale 3
    # with a negative prompt; the UNet runs on (negative, prompt) each step.
    seed = 10
    noise = seeded_noise(seed, int(np.prod(shape))).reshape(shape)
    with torch.no_grad():
        kwargs = dict(num_inference_steps=2, guidance_scale=3.0, negative_prompt="blurry", height=size, width=size,
                      latents=noise)
        out = pipe("a misty forest", output_type="np", **kwargs)
        latent = pipe("a misty forest", output_type="latent", **kwargs).images
    image = torch.from_numpy(out.images).permute(0, 3, 1, 2)
    writer.add("cfg_2step", {"prompt": "a misty forest", "steps": 2, "seed": seed, "size": size, "guidance": 3.0,
                             "negative": "blurry"}, noise=noise, latent=latent, image=image)
    print(f"cfg_2step: latent std {latent.std():.3f}, image mean {image.mean():.3f}")

    # Image to image: 2 steps at strength 0.5 leave one UNet call at t=499;
    # the pipeline's own noise draw is replaced by the project's seeded noise.
    img2img = StableDiffusionImg2ImgPipeline(**pipe.components)
    init = Image.open(GOLDEN_DIR / "models" / "test_picture_64.png").convert("RGB")
    seed = 9
    noise = seeded_noise(seed, int(np.prod(shape))).reshape(shape)
    module = sys.modules[StableDiffusionImg2ImgPipeline.__module__]
    original_randn = module.randn_tensor
    module.randn_tensor = lambda *args, **kwargs: noise.clone()
    try:
        with torch.no_grad():
            out = img2img("a misty forest", image=init, strength=0.5, num_inference_steps=2, guidance_scale=0.0,
                          output_type="np")
            latent = img2img("a misty forest", image=init, strength=0.5, num_inference_steps=2, guidance_scale=0.0,
                             output_type="latent").images
    finally:
        module.randn_tensor = original_randn
    image = torch.from_numpy(out.images).permute(0, 3, 1, 2)
    writer.add("img2img_half", {"prompt": "a misty forest", "steps": 2, "seed": seed, "size": size, "strength": 0.5,
                                "init": "test_picture_64.png"}, noise=noise, latent=latent, image=image)
    print(f"img2img_half: latent std {latent.std():.3f}, image mean {image.mean():.3f}")
    writer.save()


if __name__ == "__main__":
    main()
