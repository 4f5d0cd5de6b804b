"""Throughput and latency of `trigc serve` and of KServe's Python model server (make bench-serving).

    python Tools/serving/bench_serving.py --trigc .build/release/trigc [--clients 8]
        [--requests 2000] [--batch 1] [--protocol http|grpc|both] [--out bench.json]

Both servers serve the HLF DNN of `trigc ir example hlf --seed 7` on loopback: trigc with its
float and fixed backends, KServe (kserve_hlf.py) with the same weights computed in numpy. The
same client code (tritonclient, one process per client) drives each server. Every reply is
checked: trigc's exactly against `trigc run`, KServe's within 1e-5 of trigc's float outputs.
Prints a table and writes the figures as JSON with --out; exits 1 on any lost or wrong reply.
"""

import argparse
import json
import multiprocessing as mp
import os
import platform
import queue
import shutil
import sys
import tempfile
import threading
import time
from importlib import metadata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from harness import NumpyDense, ServerProcess, Trigc, free_ports, read_h5  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = "ap_fixed<16,6>"
KSERVE_TOLERANCE = 1e-5


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trigc", required=True, help="the trigc binary (release build)")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients (processes)")
    p.add_argument("--requests", type=int, default=2000, help="timed requests per client")
    p.add_argument("--warmup", type=int, default=50, help="untimed requests per client first")
    p.add_argument("--batch", type=int, default=1, help="events per request")
    p.add_argument("--protocol", choices=["http", "grpc", "both"], default="http")
    p.add_argument("--json", action="store_true",
                   help="JSON tensors instead of the binary tensor extension (http)")
    p.add_argument("--backends", default="float,fixed", help="trigc backends to measure")
    p.add_argument("--queue-delay-us", type=int, default=None,
                   help="give trigc's models dynamic_batching with this queue delay")
    p.add_argument("--events", type=int, default=4096,
                   help="distinct events the requests cycle over")
    p.add_argument("--servers", default="trigc,kserve", help="which servers to measure")
    p.add_argument("--kserve-python", default=sys.executable, help="Python that has kserve")
    p.add_argument("--work", help="keep models, events and server logs in this folder "
                                  "(else a temporary one, removed unless a reply was wrong)")
    p.add_argument("--out", help="write the figures as JSON here")
    args = p.parse_args()
    for name in ("clients", "requests", "batch", "events"):
        if getattr(args, name) < 1:
            p.error(f"--{name} must be at least 1")
    if args.events < args.batch:
        p.error("--events must be at least --batch")
    return args


# -- one client process -------------------------------------------------------------------------

def make_client(protocol, url):
    if protocol == "http":
        import tritonclient.http as client_module
        client = client_module.InferenceServerClient(url, connection_timeout=10,
                                                      network_timeout=60)
    else:
        import tritonclient.grpc as client_module
        client = client_module.InferenceServerClient(url)
    return client_module, client


def client_main(job, barrier, results):
    """One client: warm-up, wait for the others, then `requests` timed and checked requests."""
    try:
        results.put(run_client(job, barrier))
    except Exception as error:  # reported by the parent as a failed client
        barrier.abort()
        results.put({"client": job["client"], "fatal": f"{type(error).__name__}: {error}"})


def run_client(job, barrier):
    events = read_h5(job["events"])[job["input"]]
    expected = {name: values for name, values in read_h5(job["reference"]).items()
                if name in job["outputs"]}
    cm, client = make_client(job["protocol"], job["url"])
    batch, span = job["batch"], len(events) - job["batch"] + 1
    binary = not job["json"]
    headers = {"Content-Type": "application/json"} if job["json"] else None
    kwargs = {"headers": headers} if job["protocol"] == "http" else {"client_timeout": 60}

    def one_request(i):
        start = ((job["client"] * 7919 + i) * batch) % span
        x = events[start:start + batch]
        tensor = cm.InferInput(job["input"], list(x.shape), "FP32")
        if job["protocol"] == "http":
            tensor.set_data_from_numpy(x, binary_data=binary)
            outputs = [cm.InferRequestedOutput(n, binary_data=binary) for n in job["outputs"]]
        else:
            tensor.set_data_from_numpy(x)
            outputs = [cm.InferRequestedOutput(n) for n in job["outputs"]]
        result = client.infer(job["model"], [tensor], outputs=outputs, **kwargs)
        for name, ref in expected.items():
            got, want = result.as_numpy(name), ref[start:start + batch]
            if got is None or got.shape != want.shape:
                return f"{name}: shape {None if got is None else got.shape}, expected {want.shape}"
            if job["tolerance"] == 0:
                if got.dtype != want.dtype or not np.array_equal(got, want):
                    return f"{name} differs from trigc run at events {start}..{start + batch - 1}"
            elif not np.allclose(got, want, rtol=0, atol=job["tolerance"]):
                return f"{name} is off by {np.abs(got - want).max():.3g} at event {start}"
        return None

    lost = wrong = 0
    messages = []
    for i in range(job["warmup"]):
        one_request(-1 - i)
    barrier.wait(timeout=600)
    latencies = np.empty(job["requests"])
    t0 = time.perf_counter()
    for i in range(job["requests"]):
        begin = time.perf_counter()
        try:
            problem = one_request(i)
        except Exception as error:
            lost += 1
            problem = f"{type(error).__name__}: {error}"
        else:
            wrong += problem is not None
        latencies[i] = time.perf_counter() - begin
        if problem is not None and len(messages) < 3:
            messages.append(problem)
    t1 = time.perf_counter()
    client.close()
    return {"client": job["client"], "t0": t0, "t1": t1, "lost": lost, "wrong": wrong,
            "messages": messages, "latencies": latencies.tolist()}


def measure(args, server, model, protocol, url, outputs, reference, tolerance, events_path,
            input_name, server_pid):
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(args.clients + 1), ctx.Queue()  # the clients and this process
    procs = []
    for c in range(args.clients):
        job = {"client": c, "url": url, "protocol": protocol, "model": model, "input": input_name,
               "outputs": outputs, "events": events_path, "reference": reference,
               "tolerance": tolerance, "batch": args.batch, "requests": args.requests,
               "warmup": args.warmup, "json": args.json}
        proc = ctx.Process(target=client_main, args=(job, barrier, results), daemon=True)
        proc.start()
        procs.append(proc)
    try:
        barrier.wait(timeout=600)  # every client has warmed up: the timed part starts
    except threading.BrokenBarrierError:
        pass  # a client failed; its report says why
    cpu_before = process_cpu_seconds(server_pid)
    reports = []
    while len(reports) < len(procs):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            if not any(p.is_alive() for p in procs) and results.empty():
                raise RuntimeError(f"{len(procs) - len(reports)} {server} clients died "
                                   f"without a report")
    cpu_after = process_cpu_seconds(server_pid)
    for proc in procs:
        proc.join(30)
    fatal = [r["fatal"] for r in reports if "fatal" in r]
    if fatal:
        raise RuntimeError(f"a {server} client failed: {fatal[0]}")
    latencies = np.concatenate([r["latencies"] for r in reports]) * 1e3
    wall = max(r["t1"] for r in reports) - min(r["t0"] for r in reports)
    total = args.clients * args.requests
    row = {"server": server, "model": model, "protocol": protocol,
           "tensors": "json" if args.json else "binary", "clients": args.clients,
           "requests_per_client": args.requests, "batch": args.batch, "wall_s": wall,
           "requests_per_s": total / wall, "events_per_s": total * args.batch / wall,
           "p50_ms": float(np.percentile(latencies, 50)),
           "p99_ms": float(np.percentile(latencies, 99)),
           "lost": sum(r["lost"] for r in reports), "wrong": sum(r["wrong"] for r in reports),
           "messages": [m for r in reports for m in r["messages"]][:5]}
    if cpu_before is not None and cpu_after is not None:
        row["server_cpu_s"] = cpu_after - cpu_before
        row["server_cpu_us_per_request"] = row["server_cpu_s"] / total * 1e6
    return row


def process_cpu_seconds(pid):
    """User + system CPU seconds of a process and its waited-for children (Linux), else None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


# -- servers ----------------------------------------------------------------------------------

def build_repository(args, trigc, work, backends):
    model = os.path.join(work, "hlf.ir")
    events = os.path.join(work, "events.h5")
    trigc.example("hlf", model, 7)
    trigc.inputs(model, args.events, 11, events)
    references = {"float": os.path.join(work, "ref-float.h5"),
                  "fixed": os.path.join(work, "ref-fixed.h5")}
    trigc.run(model, events, references["float"])
    trigc.run(model, events, references["fixed"], fixed=FIXED)
    repo = os.path.join(work, "repository")
    for backend in backends:
        config = {"backend": backend, "max_batch_size": max(1024, args.batch)}
        if backend == "fixed":
            config["fixed"] = FIXED
        if args.queue_delay_us is not None:
            config["dynamic_batching"] = {"max_queue_delay_microseconds": args.queue_delay_us}
        os.makedirs(os.path.join(repo, f"hlf_{backend}", "1"))
        with open(os.path.join(repo, f"hlf_{backend}", "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        shutil.copy(model, os.path.join(repo, f"hlf_{backend}", "1", "model.ir"))
    return model, events, references, repo


def check_numpy_model(model, events, reference):
    net = NumpyDense(model)
    x = read_h5(events)[net.input_name]
    diff = float(np.abs(net(x) - read_h5(reference)[net.output_name]).max())
    if diff > KSERVE_TOLERANCE:
        raise SystemExit(f"the numpy HLF model differs from trigc run by {diff:.3g} "
                         f"(more than {KSERVE_TOLERANCE}); not benchmarking")
    return net, diff


def protocols(args):
    return ["http", "grpc"] if args.protocol == "both" else [args.protocol]


def ready_probe(url):
    import tritonclient.http as httpclient

    def probe():
        try:
            return httpclient.InferenceServerClient(url, connection_timeout=1).is_server_ready()
        except Exception:
            return False
    return probe


def bench_trigc(args, trigc, work, repo, events, references, backends, net, rows):
    http_port, grpc_port, metrics_port = free_ports(3)
    server = ServerProcess([trigc.path, "serve", "--model-repository", repo,
                            "--http-port", http_port, "--grpc-port", grpc_port,
                            "--metrics-port", metrics_port, "--host", "127.0.0.1"],
                           os.path.join(work, "trigc-serve.log"), ready_prefix="trigc serve: ready")
    try:
        server.wait_ready(120)
        for backend in backends:
            outputs = [net.output_name] + ([f"{net.output_name}_raw"] if backend == "fixed" else [])
            for protocol in protocols(args):
                url = f"127.0.0.1:{http_port if protocol == 'http' else grpc_port}"
                rows.append(measure(args, "trigc", f"hlf_{backend}", protocol, url, outputs,
                                    references[backend], 0, events, net.input_name,
                                    server.proc.pid))
                print_row(rows[-1])
    finally:
        status = server.stop()
    if status != 0:
        raise RuntimeError(f"trigc serve exited with status {status} after SIGTERM; "
                           f"log: {server.log_path}")


def bench_kserve(args, work, model, events, references, net, rows):
    http_port, grpc_port = free_ports(2)
    server = ServerProcess([args.kserve_python, os.path.join(HERE, "kserve_hlf.py"), "--ir", model,
                            "--model-name", "hlf_float", "--http_port", http_port,
                            "--grpc_port", grpc_port,
                            "--enable_grpc", "true" if "grpc" in protocols(args) else "false"],
                           os.path.join(work, "kserve.log"))
    try:
        server.wait_ready(120, probe=ready_probe(f"127.0.0.1:{http_port}"))
        for protocol in protocols(args):
            url = f"127.0.0.1:{http_port if protocol == 'http' else grpc_port}"
            rows.append(measure(args, "kserve", "hlf_float", protocol, url, [net.output_name],
                                references["float"], KSERVE_TOLERANCE, events, net.input_name,
                                server.proc.pid))
            print_row(rows[-1])
    finally:
        server.stop()


# -- report -----------------------------------------------------------------------------------

COLUMNS = [  # (title, key, width, format)
    ("server", "server", 7, "{}"), ("model", "model", 10, "{}"), ("proto", "protocol", 5, "{}"),
    ("requests/s", "requests_per_s", 10, "{:.0f}"), ("events/s", "events_per_s", 10, "{:.0f}"),
    ("p50 ms", "p50_ms", 7, "{:.3f}"), ("p99 ms", "p99_ms", 7, "{:.3f}"),
    ("cpu s", "server_cpu_s", 6, "{:.1f}"),
    ("cpu us/req", "server_cpu_us_per_request", 10, "{:.0f}"), ("lost", "lost", 5, "{}"),
    ("wrong", "wrong", 5, "{}")]


def print_header():
    print(" ".join(f"{title:>{width}}" for title, _, width, _ in COLUMNS), flush=True)


def print_row(row):
    cells = [f"{'-' if row.get(key) is None else fmt.format(row[key]):>{width}}"
             for _, key, width, fmt in COLUMNS]
    print(" ".join(cells), flush=True)
    for message in row["messages"]:
        print(f"    {message}", flush=True)


def ratios(rows):
    out = {}
    for row in rows:
        if row["server"] != "trigc":
            continue
        peer = next((r for r in rows if r["server"] == "kserve"
                     and r["protocol"] == row["protocol"]), None)
        if peer is not None:
            out[f"{row['model']}/{row['protocol']}"] = {
                "requests_per_s": row["requests_per_s"] / peer["requests_per_s"],
                "p50_ms": row["p50_ms"] / peer["p50_ms"], "p99_ms": row["p99_ms"] / peer["p99_ms"]}
    return out


def versions():
    found = {"python": platform.python_version()}
    for package in ("tritonclient", "kserve", "numpy", "h5py", "grpcio"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def main():
    args = parse_args()
    trigc = Trigc(args.trigc)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not set(backends) <= {"float", "fixed"}:
        raise SystemExit("--backends takes float and/or fixed")
    servers = {s.strip() for s in args.servers.split(",") if s.strip()}
    if not servers or not servers <= {"trigc", "kserve"}:
        raise SystemExit("--servers takes trigc and/or kserve")
    work = args.work or tempfile.mkdtemp(prefix="trigc-bench-serving-")
    os.makedirs(work, exist_ok=True)
    model, events, references, repo = build_repository(args, trigc, work, backends)
    net, diff = check_numpy_model(model, events, references["float"])
    print(f"{args.clients} clients x {args.requests} requests, batch {args.batch}, "
          f"{'JSON' if args.json else 'binary'} tensors; numpy HLF vs trigc run float: "
          f"max |diff| {diff:.2g}; files in {work}", flush=True)
    print_header()
    rows = []
    if "trigc" in servers:
        bench_trigc(args, trigc, work, repo, events, references, backends, net, rows)
    if "kserve" in servers:
        bench_kserve(args, work, model, events, references, net, rows)
    found = ratios(rows)
    for key, value in found.items():
        print(f"trigc/kserve {key}: throughput x{value['requests_per_s']:.2f}, "
              f"p50 x{value['p50_ms']:.2f}, p99 x{value['p99_ms']:.2f}")
    bad = sum(r["lost"] + r["wrong"] for r in rows)
    if not bad and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"config": {k: v for k, v in vars(args).items() if k not in ("trigc",)},
                       "cpus": os.cpu_count(), "versions": versions(),
                       "numpy_vs_trigc_float_max_diff": diff, "results": rows,
                       "trigc_over_kserve": found}, f, indent=2)
        print(f"wrote {args.out}")
    if bad:
        print(f"FAILED: {bad} lost or wrong replies", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
