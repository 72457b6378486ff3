#!/usr/bin/env python3
"""torch.matmul f16 TFLOP/s at the shapes `afterimage bench gemm` takes, on the
same GPU, for the side-by-side in issue notes and the README's performance
section. Timed with CUDA events: 3 warm-ups, then the best of --repeats.

  python3 tools/bench/gemm_torch.py --shapes 4096x4096x4096,4096x320x320
"""
import argparse


def parse_shapes(text):
    shapes = []
    for item in text.split(","):
        parts = [int(p) for p in item.split("x")]
        if len(parts) not in (3, 4):
            raise SystemExit(f"--shapes expects MxNxK[xBATCH], got {item!r}")
        shapes.append(tuple(parts) if len(parts) == 4 else (*parts, 1))
    return shapes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", default="4096x4096x4096")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--transposed", action="store_true", help="B held [N, K] (a Linear weight), as bench gemm --transposed")
    args = parser.parse_args()
    import torch

    device = torch.device("cuda")
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(device)}")
    for m, n, k, batch in parse_shapes(args.shapes):
        a = torch.rand(batch, m, k, device=device, dtype=torch.float16) * 2 - 1
        b = torch.rand(batch, n, k, device=device, dtype=torch.float16) * 2 - 1 if args.transposed else \
            torch.rand(batch, k, n, device=device, dtype=torch.float16) * 2 - 1
        run = (lambda: torch.matmul(a, b.transpose(1, 2))) if args.transposed else (lambda: torch.matmul(a, b))
        for _ in range(3):
            run()
        best = float("inf")
        for _ in range(max(1, args.repeats)):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            run()
            end.record()
            torch.cuda.synchronize()
            best = min(best, start.elapsed_time(end))
        flops = 2.0 * m * n * k * batch
        shape = f"{m}x{n}x{k}" + (f"x{batch}" if batch > 1 else "")
        print(f"torch.matmul {shape:<16}{' B^T' if args.transposed else ''} f16: {best:9.3f} ms  {flops / (best * 1e6):8.1f} GFLOP/s")


if __name__ == "__main__":
    main()
