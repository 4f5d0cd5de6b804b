#!/usr/bin/env python3
"""The quantization-aware training table of Docs/Training.md, measured.

For the HLF DNN and the inclusive model on the built-in data (trigc datagen, as make demo
makes it): a float run, then at each width W post-training quantization of it (evaluate
--fixed) and quantization-aware training from it (train --qat --init, cosine schedule),
both with the format ap_fixed<W,I,AP_RND,AP_SAT> for every value ("uniform") and with
W-bit data but exactly sized accumulators ("exact acc."). Per row: AUC per class on the test
split, decision agreement with the float model on the same events (compare --reference),
and the resource proxy of the compiled design (compile). Prints a Markdown table and writes
it to OUT/table.md. QAT starts from the float run and trains Q more epochs; the float reference
and PTQ use the same float run continued for those Q epochs (resumed, same settings), so
every row has had as many epochs. The QAT recipe per model (--qat-lr, --qat-label-smoothing;
defaults: HLF at rate 0.003 with label smoothing 0.1, inclusive at trigc's defaults) was
chosen on independent data (datagen --seed 6), not on these test events.

    python3 Tools/qat/table.py .build/release/trigc OUT [--models hlf,inclusive] [--widths 6,8,10,16]
        [--schemes uniform,exact] [--qat-epochs hlf=20,inclusive=8] [--qat-lr hlf=0.003]
        [--qat-label-smoothing hlf=0.1]
"""
import argparse
import os
import re
import subprocess
import sys

INTEGER_BITS = {6: 2, 8: 2, 10: 3, 12: 4, 16: 6}


def run(binary, *args):
    print("+ trigc " + " ".join(args), file=sys.stderr, flush=True)
    done = subprocess.run([binary, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"trigc {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def aucs(line):
    found = re.search(r"AUC QCD ([0-9.]+), ttbar ([0-9.]+), W\+jets ([0-9.]+)", line)
    return tuple(float(x) for x in found.groups())


def line_starting(text, prefix):
    for line in text.splitlines():
        if line.startswith(prefix):
            return line
    sys.exit(f"no line starting with {prefix!r} in:\n{text}")


def agreement(binary, model, inputs, reference):
    text = run(binary, "compare", model, "--input", inputs, "--reference", reference)
    return float(re.search(r"same decision as float on ([0-9.]+)%", text).group(1))


def proxy(binary, model, out, fixed=None, exact=False):
    args = ["compile", model, "-o", out, "--overwrite"] + (["--fixed", fixed] if fixed else [])
    args += ["--exact-accumulators"] if exact else []
    text = run(binary, *args)
    return int(re.search(r"resource proxy: .* = ([0-9]+)", text).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trigc")
    parser.add_argument("out")
    parser.add_argument("--models", default="hlf,inclusive")
    parser.add_argument("--widths", default="6,8,10,16")
    parser.add_argument("--events", default="60000")
    parser.add_argument("--float-epochs", default="8")
    parser.add_argument("--qat-epochs", default="hlf=20,inclusive=8")
    parser.add_argument("--schemes", default="uniform,exact")
    parser.add_argument("--qat-lr", default="hlf=0.003")
    parser.add_argument("--qat-label-smoothing", default="hlf=0.1")
    args = parser.parse_args()
    binary = os.path.abspath(args.trigc)
    os.makedirs(args.out, exist_ok=True)
    out = lambda name: os.path.join(args.out, name)
    data = out("events.h5")
    if not os.path.exists(data):
        run(binary, "datagen", "--events", args.events, "--seed", "5", "--max-particles", "20", "-o", data)
    rows = []
    for model in args.models.split(","):
        floating = out(f"float-{model}")
        if not os.path.exists(os.path.join(floating, "model.ir")):
            run(binary, "train", "--model", model, "--data", data, "--epochs", args.float_epochs,
                "--seed", "1", "--out", floating, "--overwrite")
        qat_epochs = dict(item.split("=") for item in args.qat_epochs.split(","))
        recipe = []
        for option, spec in (("--lr", args.qat_lr), ("--label-smoothing", args.qat_label_smoothing)):
            value = dict(item.split("=") for item in spec.split(",") if item).get(model)
            recipe += [option, value] if value else []
        longer = out(f"float-{model}-longer")
        if not os.path.exists(os.path.join(longer, "model.ir")):
            subprocess.run(["rm", "-rf", longer], check=True)
            subprocess.run(["cp", "-r", floating, longer], check=True)
            total = int(args.float_epochs) + int(qat_epochs.get(model, "8"))
            run(binary, "train", "--out", longer, "--resume", "--epochs", str(total))
        inputs = out(f"test-{model}.h5")
        text = run(binary, "evaluate", longer, "--write-inputs", inputs, "--overwrite", "--out", out(f"eval-{model}"))
        reference = os.path.join(longer, "model-prescaled.ir")
        rows.append((model, "float", "32-bit float", aucs(line_starting(text, "float (")), 100.0, None))
        for width in (int(w) for w in args.widths.split(",")):
            fmt = f"ap_fixed<{width},{INTEGER_BITS.get(width, 4)},AP_RND,AP_SAT>"
            for scheme in args.schemes.split(","):
                exact = scheme == "exact"
                name = f"{model}-{width}-{scheme}"
                label = fmt + (", exact acc." if exact else "")
                text = run(binary, "evaluate", longer, "--fixed", fmt, *(["--exact-accumulators"] if exact else []),
                           "--overwrite", "--out", out(f"eval-ptq-{name}"))
                ptq_agreement = float(re.search(r"agreement fixed vs float: ([0-9.]+)%", text).group(1))
                ptq_cost = proxy(binary, reference, out(f"rtl-ptq-{name}"), fmt, exact)
                rows.append((model, "PTQ", label, aucs(line_starting(text, "fixed ")), ptq_agreement, ptq_cost))
                qat = out(f"qat-{name}")
                if not os.path.exists(os.path.join(qat, "model-qat.ir")):
                    run(binary, "train", "--model", model, "--data", data, "--epochs", qat_epochs.get(model, "8"), "--seed", "1",
                        "--lr-schedule", "cosine", *recipe, "--qat", fmt, *(["--qat-exact-accumulators"] if exact else []),
                        "--init", floating, "--out", qat, "--overwrite")
                text = run(binary, "evaluate", qat, "--overwrite", "--out", out(f"eval-qat-{name}"))
                qat_model = os.path.join(qat, "model-qat.ir")
                rows.append((model, "QAT", label, aucs(line_starting(text, "fixed ")),
                             agreement(binary, qat_model, inputs, reference), proxy(binary, qat_model, out(f"rtl-qat-{name}"))))
    lines = ["| model | method | format | AUC QCD | AUC tt̄ | AUC W+jets | decides like float | resource proxy (bits) |",
             "|---|---|---|---|---|---|---|---|"]
    for model, method, fmt, (qcd, tt, w), agree, cost in rows:
        lines.append(f"| {model} | {method} | `{fmt}` | {qcd:.4f} | {tt:.4f} | {w:.4f} | {agree:.2f}% | "
                     + (f"{cost:,}" if cost is not None else "—") + " |")
    table = "\n".join(lines) + "\n"
    with open(out("table.md"), "w") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
