#!/usr/bin/env python3
"""PyTorch CPU inference timing of trigc's particle GRU shape, for `trigc-bench --gru`.

The same shape as the bench's float GRU: batch 512, 801 time steps of 19 features, a GRU of
50 units (PyTorch's GRU is Keras's reset_after convention), last state only, float32, no
gradients, torch threads pinned (2 by default: the bench machine's cores). Random weights
and inputs: only the time is compared.

Usage:
  python gru_inference.py [--batch 512] [--steps 801] [--features 19] [--units 50] [--threads 2] [--seconds 3]

Prints a human line on stderr and one machine-readable line on stdout:
  REFERENCE {"model": "gru_inference", "framework": "pytorch", "events_per_s": ..., ...}
"""
import argparse
import json
import sys
import time

import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--steps", type=int, default=801)
    parser.add_argument("--features", type=int, default=19)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3, help="measure for about this long (after one warm-up run)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    gru = torch.nn.GRU(args.features, args.units, batch_first=True).eval()
    x = torch.rand(args.batch, args.steps, args.features) * 2 - 1
    with torch.inference_mode():
        gru(x)  # warm-up
        runs, elapsed = 0, 0.0
        while elapsed < args.seconds:
            start = time.perf_counter()
            _, h = gru(x)
            elapsed += time.perf_counter() - start
            runs += 1
    rate = runs * args.batch / elapsed
    print(f"PyTorch {torch.__version__} GRU inference, batch {args.batch}, {args.steps}x{args.features} -> "
          f"{args.units}, {args.threads} threads: {rate:.1f} events/s", file=sys.stderr)
    print("REFERENCE " + json.dumps({
        "model": "gru_inference", "framework": "pytorch", "torch": torch.__version__, "events_per_s": rate,
        "batch": args.batch, "steps": args.steps, "features": args.features, "units": args.units,
        "threads": args.threads, "state_shape": list(h.shape)}))


if __name__ == "__main__":
    main()
