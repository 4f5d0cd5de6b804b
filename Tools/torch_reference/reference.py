#!/usr/bin/env python3
"""PyTorch reference for trigc's training: the study's HLF DNN, particle GRU and inclusive
classifiers, trained on a trigc event file with exactly trigc's preparation.

The preparation is bit-for-bit trigc's (Sources/Training/Data/DataPreparation.swift):
SplitMix64-seeded undersampling to balanced classes, a seeded Fisher-Yates shuffle, the
80/20 split, MinMax scalers fitted on the training events (particles: real rows only, the
padding stays zero), `x * scale + offset` in float32. So both tools see the same training
and test events, and their test AUCs compare directly.

Usage (CPU wheel in a venv, see README.md):
  python reference.py EVENTS.h5 --model hlf --epochs 5 --batch 128 --seed 1
  python reference.py EVENTS.h5 --model hlf --bench-epochs 1   # samples/s only

Prints a table and, for `make bench`, one machine-readable line per model:
  REFERENCE {"model": "hlf", "framework": "pytorch", "samples_per_s": ..., "auc": {...}, ...}
"""
import argparse
import json
import sys
import time

import h5py
import numpy as np
import torch

MASK64 = (1 << 64) - 1
CLASSES = ["QCD", "ttbar", "W+jets"]


class SplitMix64:
    """GraphIR's SplitMix64, the generator behind trigc's shuffles."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def shuffle(values, rng):
    """DataPreparation.shuffle: Fisher-Yates from the end, j = next() % (i + 1)."""
    for i in range(len(values) - 1, 0, -1):
        j = rng.next() % (i + 1)
        values[i], values[j] = values[j], values[i]


def prepare(labels, seed, test_fraction=0.2, balance=True):
    """DataPreparation.undersample + split: (train indices, test indices)."""
    if balance:
        rng = SplitMix64(seed ^ 0x5EEDBA1A4CED0001)
        by_class = [list(np.flatnonzero(labels == c)) for c in range(len(CLASSES))]
        smallest = min(len(m) for m in by_class)
        kept = []
        for members in by_class:
            shuffle(members, rng)
            kept.extend(members[:smallest])
        kept.sort()
    else:
        kept = list(range(len(labels)))
    rng = SplitMix64(seed ^ 0x5B11700000000002)
    shuffle(kept, rng)
    train_count = int(np.floor(len(kept) * (1 - test_fraction) + 0.5))
    return np.array(kept[:train_count], dtype=np.int64), np.array(kept[train_count:], dtype=np.int64)


def minmax(values):
    """MinMaxScaler.fit on rows: float32 scale and offset (constant features: scale 1)."""
    low = values.min(axis=0).astype(np.float32)
    high = values.max(axis=0).astype(np.float32)
    span = high - low
    scale = np.where(high > low, np.float32(1) / np.where(span > 0, span, 1), np.float32(1)).astype(np.float32)
    return scale, (-low * scale).astype(np.float32)


def auc(scores, positive):
    """Exact AUC with ties counted one half (mid-ranks), like ROCCurve."""
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores))
    start = 0
    boundaries = np.flatnonzero(np.diff(sorted_scores)) + 1
    for end in list(boundaries) + [len(scores)]:
        ranks[order[start:end]] = (start + end - 1) / 2 + 1
        start = end
    p = int(positive.sum())
    n = len(scores) - p
    return float((ranks[positive].sum() - p * (p + 1) / 2) / (p * n))


def glorot(layer):
    torch.nn.init.xavier_uniform_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    return layer


class HLF(torch.nn.Module):
    """14 -> 50, 20, 10 relu -> 3 (softmax in the loss)."""

    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(
            glorot(torch.nn.Linear(14, 50)), torch.nn.ReLU(), glorot(torch.nn.Linear(50, 20)), torch.nn.ReLU(),
            glorot(torch.nn.Linear(20, 10)), torch.nn.ReLU(), glorot(torch.nn.Linear(10, 3)))

    def forward(self, hlf, particles, lengths):
        return self.net(hlf)


class Recurrent(torch.nn.Module):
    """Masking -> GRU(units) (Keras reset_after=True is PyTorch's GRU) -> Dropout 0.2; the
    inclusive model adds Dropout 0.2 on the 14 features, concatenation, Dense 25 relu."""

    def __init__(self, inclusive, units=50):
        super().__init__()
        self.inclusive = inclusive
        self.gru = torch.nn.GRU(19, units, batch_first=True)
        for name, p in self.gru.named_parameters():
            if "weight_ih" in name:
                for k in range(3):
                    torch.nn.init.xavier_uniform_(p.data[k * units:(k + 1) * units])
            elif "weight_hh" in name:
                for k in range(3):
                    torch.nn.init.orthogonal_(p.data[k * units:(k + 1) * units])
            else:
                torch.nn.init.zeros_(p)
        self.drop_gru = torch.nn.Dropout(0.2)
        if inclusive:
            self.drop_hlf = torch.nn.Dropout(0.2)
            self.head = torch.nn.Sequential(glorot(torch.nn.Linear(units + 14, 25)), torch.nn.ReLU(),
                                            glorot(torch.nn.Linear(25, 3)))
        else:
            self.head = glorot(torch.nn.Linear(units, 3))

    def forward(self, hlf, particles, lengths):
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            particles, lengths.clamp(min=1).cpu(), batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        x = self.drop_gru(h[-1])
        if self.inclusive:
            x = torch.cat([x, self.drop_hlf(hlf)], dim=1)
        return self.head(x)


def load(path, seed):
    with h5py.File(path, "r") as f:
        hlf = f["hlf"][()].astype(np.float32)
        particles = f["particles"][()].astype(np.float32)
        labels = f["label"][()].astype(np.int64).reshape(-1)
        lengths = f["length"][()].astype(np.int64).reshape(-1)
    train, test = prepare(labels, seed)
    scale, offset = minmax(hlf[train])
    hlf = (hlf * scale + offset).astype(np.float32)
    t = particles.shape[1]
    real = np.arange(t)[None, :] < lengths[:, None]
    rows = particles[train][real[train]]
    pscale, poffset = minmax(rows)
    particles = np.where(real[:, :, None], particles * pscale + poffset, np.float32(0)).astype(np.float32)
    tensors = [torch.from_numpy(hlf), torch.from_numpy(particles), torch.from_numpy(lengths), torch.from_numpy(labels)]
    return tensors, train, test


def run(model_name, tensors, train, test, epochs, batch, seed, lr):
    torch.manual_seed(seed)
    hlf, particles, lengths, labels = tensors
    model = HLF() if model_name == "hlf" else Recurrent(inclusive=(model_name == "inclusive"))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-7)
    generator = torch.Generator().manual_seed(seed)
    train_t = torch.from_numpy(train)
    trained, seconds, history = 0, 0.0, []
    for epoch in range(epochs):
        model.train()
        order = train_t[torch.randperm(len(train_t), generator=generator)]
        start = time.perf_counter()
        total = 0.0
        for b in range(0, len(order), batch):
            rows = order[b:b + batch]
            loss = torch.nn.functional.cross_entropy(model(hlf[rows], particles[rows], lengths[rows]), labels[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(rows)
        seconds += time.perf_counter() - start
        trained += len(order)
        history.append(total / len(order))
    model.eval()
    with torch.no_grad():
        rows = torch.from_numpy(test)
        probabilities = torch.softmax(model(hlf[rows], particles[rows], lengths[rows]), dim=1).numpy()
    truth = labels.numpy()[test]
    return {
        "model": model_name, "framework": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
        "epochs": epochs, "batch": batch, "train_events": len(train), "test_events": len(test),
        "samples_per_s": trained / max(seconds, 1e-9),
        "auc": {name: auc(probabilities[:, c], truth == c) for c, name in enumerate(CLASSES)},
        "accuracy": float((probabilities.argmax(axis=1) == truth).mean()), "loss": history,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data")
    parser.add_argument("--model", action="append", choices=["hlf", "gru", "inclusive"])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--bench-epochs", type=int, help="train this many epochs only to measure samples/s")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    tensors, train, test = load(args.data, args.seed)
    for name in args.model or ["hlf"]:
        result = run(name, tensors, train, test, args.bench_epochs or args.epochs, args.batch, args.seed, args.lr)
        aucs = "  ".join(f"{k} {v:.4f}" for k, v in result["auc"].items())
        print(f"{name}: test AUC {aucs}; accuracy {result['accuracy']:.4f}; "
              f"{result['samples_per_s']:.0f} samples/s at batch {args.batch}", file=sys.stderr)
        print("REFERENCE " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
