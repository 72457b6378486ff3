"""Writes golden fixtures in the format tests/support/golden.h reads.

One safetensors file per op family or model. Tensors are named
"<case>.<role>" and stored as float32; inputs should pass through f16()
first so that the C++ side (f16 storage) sees exactly the same numbers.
The metadata entry "<case>" holds the case's parameters as JSON.
"""
import json
from pathlib import Path

import torch
from safetensors.torch import save_file

REPO = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO / "tests" / "golden"


def f16(t: torch.Tensor) -> torch.Tensor:
    """Round to the nearest float16 value, kept as float32."""
    return t.to(torch.float16).to(torch.float32)


class GoldenWriter:
    def __init__(self, relative_path: str):
        self.path = GOLDEN_DIR / relative_path
        self.tensors = {}
        self.metadata = {"generator": "tools/reference/" + Path(__import__("sys").argv[0]).name,
                         "torch": torch.__version__}

    def add(self, case: str, params: dict, **tensors: torch.Tensor) -> None:
        assert "." not in case, "case names may not contain dots"
        self.metadata[case] = json.dumps(params, sort_keys=True)
        for role, t in tensors.items():
            self.tensors[f"{case}.{role}"] = t.detach().to(torch.float32).contiguous().cpu()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        save_file(self.tensors, str(self.path), metadata=self.metadata)
        size = self.path.stat().st_size
        print(f"wrote {self.path.relative_to(REPO)}: {len(self.tensors)} tensors, {size / 1024:.1f} KiB")
