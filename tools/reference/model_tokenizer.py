"""CLIP tokenizer goldens: token ids from Hugging Face's CLIPTokenizer for a
list of prompts, and the small tokenizer folder the C++ test loads.

The real CLIP BPE (the one in openai/clip-vit-large-patch14, SD 1.x/2.x and
SD-Turbo's tokenizer/ folders) is rebuilt from the merges file that the
open_clip_torch wheel ships (`pip install --no-deps open_clip_torch`, or set
CLIP_BPE to the bpe_simple_vocab_16e6.txt.gz path): vocab = 256 byte
symbols, the same with "</w>", one entry per merge, then the two special
tokens, exactly as OpenAI's tokenizer builds it.

The committed folder tests/golden/tokenizer/clip_cut/ keeps the first
CUT_PREFIX merges plus every merge the prompts use, with their original ids
and relative order. BPE applies the lowest-ranked present pair at each step,
so on these prompts the cut tokenizer reproduces the full one id for id
(asserted below): the goldens are the real SD-Turbo token ids.
"""
import gzip
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path

import torch
from transformers.models.clip.tokenization_clip import CLIPTokenizer

from golden_io import GOLDEN_DIR, GoldenWriter

CUT_PREFIX = 2000
MAX_LENGTH = 77

PROMPTS = {
    "ascii": "a photograph of an astronaut riding a horse",
    "empty": "",
    "spaces_only": "  \t\n  ",
    "mixed_case": "A Cinematic Shot of a Baby Racoon wearing an Intricate Italian Priest Robe",
    "punctuation": "Hello, World!! (masterpiece:1.2), [foo] {bar} ... ?!? #tag @user a-b_c/d",
    "numbers": "1999 8k 4096x2048 3.14159 v2.1 24fps",
    "contractions": "don't it's we're they've I'm you'll he'd DON'T rock'n'roll",
    "accents": "café crème brûlée naïve Zürich São Paulo e\u0301",
    "cjk": "東京の夜景 서울 北京 ネオン",
    "emoji": "a cat 🐱 with fire 🔥🔥 and rainbow 🌈✨",
    "unicode_edge": "ΟΔΟΣ İstanbul ①²Ⅻ٣ \u00a0nbsp\u3000ideo\u200bzw ﬁ ＡＢＣ",
    # Upper-case special tokens ("<|ENDOFTEXT|>") are left out on purpose:
    # transformers matches them or not depending on how the config files spell
    # the tokens (string vs AddedToken with normalized=true).
    "special_text": "x<|endoftext|>y !<|startoftext|>z, 100%!!",
    "long": ", ".join(["a very detailed oil painting of a lighthouse on a cliff at sunset"] * 8),
    "long_exact": " ".join(["word"] * 75),
    "long_plus_one": " ".join(["word"] * 76),
}


def clip_bpe_path() -> Path:
    if "CLIP_BPE" in os.environ:
        return Path(os.environ["CLIP_BPE"])
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("model_tokenizer: needs open_clip_torch (pip install --no-deps open_clip_torch) or CLIP_BPE")
    return Path(spec.submodule_search_locations[0]) / "bpe_simple_vocab_16e6.txt.gz"


def bytes_to_unicode() -> dict:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def full_clip_bpe():
    lines = gzip.open(clip_bpe_path()).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]
    symbols = list(bytes_to_unicode().values())
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return {token: i for i, token in enumerate(vocab)}, merges


def added(content: str) -> dict:
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


def write_folder(folder: Path, vocab: dict, merges: list, pad: str) -> None:
    """A tokenizer/ folder laid out as stabilityai/sd-turbo's: tokenizer_config
    names <|endoftext|> as pad, special_tokens_map.json overrides it with pad."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n")
    config = {"add_prefix_space": False, "bos_token": dict(added("<|startoftext|>"), __type="AddedToken"),
              "do_lower_case": True, "eos_token": dict(added("<|endoftext|>"), __type="AddedToken"),
              "errors": "replace", "model_max_length": MAX_LENGTH, "pad_token": "<|endoftext|>",
              "tokenizer_class": "CLIPTokenizer", "unk_token": dict(added("<|endoftext|>"), __type="AddedToken")}
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2))
    special = {"bos_token": added("<|startoftext|>"), "eos_token": added("<|endoftext|>"), "pad_token": pad,
               "unk_token": added("<|endoftext|>")}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2))


def used_merges(tokenizer: CLIPTokenizer, merges: list) -> set:
    """The merges BPE applies to the prompts' words (OpenAI's loop)."""
    rank = {m: i for i, m in enumerate(merges)}
    backend = tokenizer.backend_tokenizer
    used = set()
    for prompt in PROMPTS.values():
        for word, _ in backend.pre_tokenizer.pre_tokenize_str(backend.normalizer.normalize_str(prompt)):
            symbols = list(word[:-1]) + [word[-1] + "</w>"]
            while len(symbols) > 1:
                pairs = {(a, b) for a, b in zip(symbols, symbols[1:]) if (a, b) in rank}
                if not pairs:
                    break
                best = min(pairs, key=rank.get)
                used.add(best)
                merged, i = [], 0
                while i < len(symbols):
                    if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                        merged.append(symbols[i] + symbols[i + 1])
                        i += 2
                    else:
                        merged.append(symbols[i])
                        i += 1
                symbols = merged
    return used


def encode(tokenizer: CLIPTokenizer, prompt: str) -> list:
    return tokenizer(prompt, padding="max_length", max_length=MAX_LENGTH, truncation=True).input_ids


def main() -> None:
    vocab, merges = full_clip_bpe()
    with tempfile.TemporaryDirectory() as tmp:
        full_dir = Path(tmp) / "full"
        write_folder(full_dir, vocab, merges, pad="!")
        full = CLIPTokenizer.from_pretrained(str(full_dir))
        assert full.pad_token == "!" and full.pad_token_id == 0, (full.pad_token, full.pad_token_id)

        keep = set(merges[:CUT_PREFIX]) | used_merges(full, merges)
        cut_merges = [m for m in merges if m in keep]
        cut_vocab = {t: i for t, i in vocab.items() if i < 512 or i >= 49406}
        cut_vocab.update({"".join(m): vocab["".join(m)] for m in cut_merges})
        cut_dir = GOLDEN_DIR / "tokenizer" / "clip_cut"
        shutil.rmtree(cut_dir, ignore_errors=True)
        write_folder(cut_dir, dict(sorted(cut_vocab.items(), key=lambda kv: kv[1])), cut_merges, pad="!")
        cut = CLIPTokenizer.from_pretrained(str(cut_dir))

        # SD 1.x folders pad with <|endoftext|>: same vocabulary, other special_tokens_map.
        eos_dir = Path(tmp) / "eos_pad"
        write_folder(eos_dir, cut_vocab, cut_merges, pad="<|endoftext|>")
        eos_pad = CLIPTokenizer.from_pretrained(str(eos_dir))
        assert eos_pad.pad_token_id == 49407
        eos_full_dir = Path(tmp) / "eos_pad_full"
        write_folder(eos_full_dir, vocab, merges, pad="<|endoftext|>")
        eos_full = CLIPTokenizer.from_pretrained(str(eos_full_dir))

        writer = GoldenWriter("tokenizer/clip.safetensors")
        for name, prompt in PROMPTS.items():
            ids = encode(full, prompt)
            assert encode(cut, prompt) == ids, f"cut tokenizer differs from the full one on {name!r}"
            eos_ids = encode(eos_pad, prompt)
            assert encode(eos_full, prompt) == eos_ids, f"cut tokenizer (eos pad) differs on {name!r}"
            print(f"{name:14s} {sum(i != 0 for i in ids[1:]) + 1:3d} tokens  {ids[:12]}")
            writer.add(name, {"prompt": prompt, "max_length": MAX_LENGTH},
                       ids_pad_bang=torch.tensor(ids, dtype=torch.float32),
                       ids_pad_eos=torch.tensor(eos_ids, dtype=torch.float32))
        writer.save()
        size = sum(p.stat().st_size for p in cut_dir.iterdir())
        print(f"wrote {cut_dir.relative_to(GOLDEN_DIR.parent.parent)}: {len(cut_merges)} merges, "
              f"{len(cut_vocab)} tokens, {size / 1024:.1f} KiB")
