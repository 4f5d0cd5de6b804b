"""Shared pieces of test_serving.py and bench_serving.py.

The trigc CLI (models, events, reference outputs), free ports, a server subprocess that is
ready once it prints its ready line, and the HLF DNN read from `.ir` text and computed in numpy.
Needs only numpy and h5py.
"""

import ctypes
import os
import re
import signal
import socket
import subprocess
import threading
import time

import h5py
import numpy as np


# -- trigc command line ---------------------------------------------------------------------

class Trigc:
    """Runs the trigc binary; every failure raises with trigc's own sentence."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        if not os.access(self.path, os.X_OK):
            raise SystemExit(f"{path} is not an executable trigc binary; build it first.")

    def __call__(self, *args):
        result = subprocess.run([self.path, *map(str, args)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"trigc {' '.join(map(str, args))} failed "
                               f"({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def example(self, kind, out, seed, time_steps=None):
        extra = ["--time-steps", time_steps] if time_steps is not None else []
        self("ir", "example", kind, "--seed", seed, *extra, "-o", out)

    def quantize(self, model, fixed, out):
        self("ir", "quantize", model, "--fixed", fixed, "-o", out)

    def inputs(self, model, events, seed, out):
        self("inputs", model, "--events", events, "--seed", seed, "-o", out)

    def run(self, model, events_file, out, fixed=None, table_size=None):
        extra = []
        if fixed is not None:
            extra += ["--fixed", fixed]
        if table_size is not None:
            extra += ["--table-size", table_size]
        self("run", model, "--input", events_file, *extra, "-o", out)


def read_h5(path):
    """Every dataset of an HDF5 file, by name."""
    with h5py.File(path, "r") as f:
        return {name: f[name][()] for name in f}


# -- ports and server processes --------------------------------------------------------------

def free_ports(count, host="127.0.0.1"):
    """Ports the kernel hands out for port 0, all held open together so they differ."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _terminate_with_parent():
    """In the child before exec (Linux): SIGTERM it when the process that started it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class ServerProcess:
    """A server subprocess whose stdout and stderr go to one log file.

    Ready when a line starts with `ready_prefix`, or, without one, when `probe()` is true.
    """

    def __init__(self, argv, log_path, ready_prefix=None, env=None):
        self.argv = [str(a) for a in argv]
        self.log_path = log_path
        self.ready_prefix = ready_prefix
        self._ready = threading.Event()
        self._log = open(log_path, "a", buffering=1)
        self._log.write(f"$ {' '.join(self.argv)}\n")
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, text=True,
                                     errors="replace", start_new_session=True,
                                     preexec_fn=_terminate_with_parent)
        self._pump = threading.Thread(target=self._copy_output, daemon=True)
        self._pump.start()

    def _copy_output(self):
        for line in self.proc.stdout:
            self._log.write(line)
            if self.ready_prefix is not None and line.startswith(self.ready_prefix):
                self._ready.set()
        self._log.flush()

    def wait_ready(self, timeout, probe=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited with status {self.proc.returncode} "
                                   f"before it was ready; log: {self.log_path}")
            if self._ready.wait(0.1):
                return
            if probe is not None and probe():
                return
        raise RuntimeError(f"{self.argv[0]} was not ready after {timeout} s; log: {self.log_path}")

    def signal(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        """The exit status, or None when it is still running after `timeout` seconds."""
        try:
            status = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._pump.join(5)
        return status

    def stop(self, timeout=20):
        """SIGTERM, then SIGKILL after `timeout` s; returns the exit status."""
        self.signal(signal.SIGTERM)
        status = self.wait(timeout)
        if status is None:
            self.proc.kill()
            status = self.wait(10)
        self._log.close()
        return status

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


# -- the HLF DNN from .ir text, in numpy -------------------------------------------------------

_STATEMENT_HEAD = re.compile(r"^(\w+) = (\w+)\(([^)]*)\)(.*)$", re.S)
_TENSOR = re.compile(r"(\w+)=\[([0-9, ]*)\]\{([^}]*)\}")


def _statements(text):
    """The statements of .ir text, one string each (lists inside {...} may span lines)."""
    statements, current, depth = [], "", 0
    for line in text.splitlines():
        line = line.split("#", 1)[0] if depth == 0 else line
        if not line.strip() and depth == 0:
            continue
        current += (" " if current else "") + line.strip()
        depth += line.count("{") - line.count("}")
        if depth == 0:
            statements.append(current)
            current = ""
    return statements


def parse_dense_ir(path):
    """A float graph of input, dense and activation nodes (relu, softmax, linear).

    Returns (input_name, [(op, attrs)], output_name). Anything else is refused, since the
    numpy model below only knows these ops.
    """
    with open(path) as f:
        text = f.read()
    if "@\"" in text:
        raise ValueError(f"{path}: weights in a sidecar file are not supported here")
    inputs, layers, outputs = [], [], []
    for stmt in _statements(text):
        if stmt.startswith("graph "):
            continue
        if stmt.startswith("input "):
            inputs.append(stmt.split()[1].rstrip(":"))
            continue
        if stmt.startswith("output "):
            outputs.append(stmt.split()[1])
            continue
        m = _STATEMENT_HEAD.match(stmt)
        if m is None:
            raise ValueError(f"{path}: cannot read the statement '{stmt[:60]}'")
        name, op, _, rest = m.groups()
        attrs, _, type_text = rest.rpartition(" : ")
        if "float32" not in type_text:
            raise ValueError(f"{path}: node '{name}' is not float32; give a float model")
        if op == "dense":
            tensors = {}
            for key, shape, values in _TENSOR.findall(attrs):
                dims = [int(d) for d in shape.split(",")] if shape.strip() else []
                data = np.array([float(v) for v in values.split(",")], dtype=np.float32)
                tensors[key] = data.reshape(dims)
            act = re.search(r"activation=(\w+)", attrs).group(1)
            layers.append(("dense", {"weights": tensors["weights"], "bias": tensors["bias"]}))
            layers.append(("activation", act))
        elif op == "activation":
            layers.append(("activation", re.search(r"function=(\w+)", attrs).group(1)))
        else:
            raise ValueError(f"{path}: op '{op}' of node '{name}' is not supported here")
    if len(inputs) != 1 or len(outputs) != 1:
        raise ValueError(f"{path}: expected one input and one output")
    return inputs[0], layers, outputs[0]


class NumpyDense:
    """The chain of dense layers and activations of `parse_dense_ir`, in float32."""

    def __init__(self, ir_path):
        self.input_name, self.layers, self.output_name = parse_dense_ir(ir_path)
        self.features = next(a["weights"].shape[0] for op, a in self.layers if op == "dense")

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float32)
        for op, attrs in self.layers:
            if op == "dense":
                x = x @ attrs["weights"] + attrs["bias"]
            elif attrs == "relu":
                x = np.maximum(x, np.float32(0))
            elif attrs == "softmax":
                e = np.exp(x - x.max(axis=-1, keepdims=True))
                x = e / e.sum(axis=-1, keepdims=True)
            elif attrs != "linear":
                raise ValueError(f"activation '{attrs}' is not supported here")
        return x.astype(np.float32)
