"""The model repository, reference outputs and running server that test_serving.py checks against.

Models (all from `trigc ir example … --seed 7` unless said otherwise):

| name | file | config | reference |
|---|---|---|---|
| hlf_fixed | hlf.ir | fixed ap_fixed<16,6>, max_batch_size 256, dynamic batching | trigc run --fixed |
| hlf_float | hlf.ir | float | trigc run |
| inclusive_fixed | inc.ir (T=20) | fixed ap_fixed<16,6>, table_size 512 | trigc run --fixed --table-size 512 |
| inclusive_float | inc.ir (T=20) | float, dynamic batching | trigc run |
| hlf_quantized | v1: quantized hlf seed 7, v2: seed 8 | fixed, no format | trigc run of each version |
"""

import http.client
import json
import os
import shutil

import numpy as np

from harness import ServerProcess, free_ports, read_h5

FIXED = "ap_fixed<16,6>"
EVENTS = 600
BATCHES = (1, 3, 64, 256)
READY_LINE = "trigc serve: ready"


class Model:
    """One served model: its inputs' events and, per version, the reference outputs."""

    def __init__(self, name, config, events, references):
        self.name = name
        self.config = config
        self.events = events              # input name -> float32 [EVENTS, ...]
        self.references = references      # version string -> {output name -> array}
        self.latest = max(references, key=int)

    @property
    def inputs(self):
        return list(self.events)

    def outputs(self, version=""):
        return sorted(self.references[version or self.latest])

    def slice(self, start, count):
        return {name: np.ascontiguousarray(values[start:start + count])
                for name, values in self.events.items()}

    def expected(self, version, name, start, count):
        return self.references[version or self.latest][name][start:start + count]


class Fixture:
    def __init__(self, trigc, work):
        self.trigc, self.work = trigc, work
        self.repo = os.path.join(work, "repository")
        self.models = {}
        self.servers = []

    # -- building ---------------------------------------------------------------------------

    def build(self):
        t, w = self.trigc, self.work
        path = lambda name: os.path.join(w, name)  # noqa: E731
        t.example("hlf", path("hlf.ir"), 7)
        t.example("hlf", path("hlf8.ir"), 8)
        t.example("inclusive", path("inc.ir"), 7, time_steps=20)
        t.quantize(path("hlf.ir"), FIXED, path("hlf-q1.ir"))
        t.quantize(path("hlf8.ir"), FIXED, path("hlf-q2.ir"))
        t.inputs(path("hlf.ir"), EVENTS, 3, path("hlf-events.h5"))
        t.inputs(path("inc.ir"), EVENTS, 4, path("inc-events.h5"))
        hlf_events = self._events(path("hlf-events.h5"), ["hlf_input"])
        inc_events = self._events(path("inc-events.h5"), ["gru_input", "hlf_input"])
        batching = {"max_queue_delay_microseconds": 100}
        specs = [
            ("hlf_fixed", {"backend": "fixed", "fixed": FIXED, "max_batch_size": 256,
                           "dynamic_batching": batching},
             {"1": (path("hlf.ir"), {"fixed": FIXED})}, "hlf"),
            ("hlf_float", {"backend": "float"}, {"1": (path("hlf.ir"), {})}, "hlf"),
            ("inclusive_fixed", {"backend": "fixed", "fixed": FIXED, "table_size": 512},
             {"1": (path("inc.ir"), {"fixed": FIXED, "table_size": 512})}, "inc"),
            ("inclusive_float", {"backend": "float", "dynamic_batching": batching},
             {"1": (path("inc.ir"), {})}, "inc"),
            ("hlf_quantized", {"backend": "fixed"},
             {"1": (path("hlf-q1.ir"), {}), "2": (path("hlf-q2.ir"), {})}, "hlf"),
        ]
        for name, config, versions, family in specs:
            events_file = path(f"{family}-events.h5")
            os.makedirs(os.path.join(self.repo, name))
            with open(os.path.join(self.repo, name, "config.json"), "w") as f:
                json.dump(config, f, indent=2)
            references = {}
            for version, (model_file, run_options) in versions.items():
                os.makedirs(os.path.join(self.repo, name, version))
                shutil.copy(model_file, os.path.join(self.repo, name, version, "model.ir"))
                out = path(f"ref-{name}-{version}.h5")
                t.run(model_file, events_file, out, **run_options)
                references[version] = read_h5(out)
            self.models[name] = Model(name, config, hlf_events if family == "hlf" else inc_events,
                                      references)

    @staticmethod
    def _events(path, names):
        data = read_h5(path)
        return {name: data[name].astype(np.float32) for name in names}

    # -- servers ----------------------------------------------------------------------------

    def start_server(self, label, extra=()):
        """Starts `trigc serve` on free ports; returns (server, ports dict)."""
        http_port, grpc_port, metrics_port = free_ports(3)
        log = os.path.join(self.work, f"server-{label}.log")
        server = ServerProcess([self.trigc.path, "serve", "--model-repository", self.repo,
                                "--http-port", http_port, "--grpc-port", grpc_port,
                                "--metrics-port", metrics_port, "--host", "127.0.0.1", *extra],
                               log, ready_prefix=READY_LINE)
        self.servers.append(server)
        server.wait_ready(180)
        return server, {"http": http_port, "grpc": grpc_port, "metrics": metrics_port}

    def server_logs(self, tail=120):
        text = []
        for server in self.servers:
            lines = server.log_text().splitlines()
            text.append(f"---- {server.log_path} (last {min(tail, len(lines))} of "
                        f"{len(lines)} lines) ----")
            text.extend(lines[-tail:])
        return "\n".join(text)

    def stop_all(self):
        return [server.stop() for server in self.servers]


# -- comparing and raw requests -------------------------------------------------------------------

def difference(name, got, want):
    """None when `got` equals `want` bit for bit (dtype and shape too), else one sentence."""
    if got is None:
        return f"{name} is missing from the reply"
    got = np.asarray(got)
    if got.dtype != want.dtype:
        return f"{name} has dtype {got.dtype}, expected {want.dtype}"
    if got.shape != want.shape:
        return f"{name} has shape {list(got.shape)}, expected {list(want.shape)}"
    if want.dtype.kind == "f":
        same = got.view(np.uint32 if want.dtype == np.float32 else np.uint64) == \
            want.view(np.uint32 if want.dtype == np.float32 else np.uint64)
    else:
        same = got == want
    if same.all():
        return None
    bad = np.argwhere(~same)
    first = tuple(int(i) for i in bad[0])
    return (f"{name} differs from trigc run in {len(bad)} of {want.size} values; first at "
            f"{list(first)}: got {got[first]!r}, expected {want[first]!r}")


def raw_request(port, method, path, body=None, headers=None, timeout=30):
    """(status, headers, body bytes) of one request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def json_tensor(name, values, datatype="FP32", shape=None):
    values = np.asarray(values)
    return {"name": name, "shape": list(shape if shape is not None else values.shape),
            "datatype": datatype, "data": values.ravel().tolist()}
