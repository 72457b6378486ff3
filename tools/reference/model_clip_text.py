"""Goldens for the CLIP text encoder (engine/models/clip_text_encoder.*),
from transformers' CLIPTextModel with small random-weight configurations:
clip_tiny_gelu (OpenCLIP / SD 2.x style, GELU) and clip_tiny_quickgelu
(OpenAI CLIP / SD 1.x style). Each folder under tests/golden/models/ holds
config.json and model.safetensors in float16; the reference runs those f16
values in float32. tests/golden/models/clip_text.safetensors holds per case
the token ids (as floats) and the last hidden state (after the final
LayerNorm), for a batch of two sequences of 77 tokens, padded.
"""
import json

import torch
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel

from golden_io import GOLDEN_DIR, GoldenWriter

CONFIGS = {
    "clip_tiny_gelu": dict(hidden_act="gelu", num_hidden_layers=2),
    "clip_tiny_quickgelu": dict(hidden_act="quick_gelu", num_hidden_layers=3),
}


def main():
    writer = GoldenWriter("models/clip_text.safetensors")
    for seed, (name, extra) in enumerate(CONFIGS.items()):
        torch.manual_seed(300 + seed)
        config = CLIPTextConfig(vocab_size=1000, hidden_size=32, intermediate_size=64, num_attention_heads=4,
                                max_position_embeddings=77, bos_token_id=998, eos_token_id=999, pad_token_id=1,
                                initializer_factor=4.0, **extra)
        model = CLIPTextModel(config).eval()
        with torch.no_grad():  # non-trivial norms, so every affine path is checked
            for n, p in model.named_parameters():
                if "layer_norm" in n:
                    p.add_(0.2 * torch.randn(p.shape))
        model = model.half().float()
        folder = GOLDEN_DIR / "models" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(config.to_json_string())
        save_file({k: v.half().contiguous() for k, v in model.state_dict().items()}, str(folder / "model.safetensors"))
        generator = torch.Generator().manual_seed(400 + seed)
        ids = torch.full((2, 77), 1, dtype=torch.long)  # padded
        ids[:, 0] = 998
        for row, length in enumerate((12, 40)):
            ids[row, 1:length] = torch.randint(2, 998, (length - 1,), generator=generator)
            ids[row, length] = 999
        with torch.no_grad():
            hidden = model(input_ids=ids).last_hidden_state
        params = sum(p.numel() for p in model.parameters())
        writer.add(name, {"parameters": params}, ids=ids.float(), hidden=hidden)
        print(f"{name}: {params} parameters, hidden std {hidden.std():.3f}")
    writer.save()


if __name__ == "__main__":
    main()
