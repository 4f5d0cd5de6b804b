"""Health, metadata, inference and repository checks with the real tritonclient (HTTP and gRPC)."""

import json
import queue
import re
import unittest
import urllib.request

import grpc
import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from fixture import BATCHES, difference


class ServingCase(unittest.TestCase):
    """Base: `fix` (the Fixture), the main `server` and its `ports`, set by test_serving.py."""

    fix = None
    server = None
    ports = None

    @classmethod
    def http(cls, port=None, network_timeout=120):
        return httpclient.InferenceServerClient(f"127.0.0.1:{port or cls.ports['http']}",
                                                connection_timeout=10,
                                                network_timeout=network_timeout)

    @classmethod
    def grpc(cls, port=None):
        return grpcclient.InferenceServerClient(f"127.0.0.1:{port or cls.ports['grpc']}")

    def check_result(self, label, model, version, start, count, result, names):
        problems = [difference(n, result.as_numpy(n), model.expected(version, n, start, count))
                    for n in names]
        problems = [p for p in problems if p]
        if problems:
            self.fail(f"{label}: " + "; ".join(problems))

    def check_error_reply(self, what, status, body, accepted):
        self.assertIn(status, accepted, f"{what}: status {status}, expected {accepted}; "
                                        f"body {body[:200]!r}")
        try:
            reply = json.loads(body)
        except ValueError:
            self.fail(f"{what}: the body is not JSON: {body[:200]!r}")
        message = reply.get("error") if isinstance(reply, dict) else None
        self.assertIsInstance(message, str, f"{what}: no \"error\" string in {reply}")
        self.assertTrue(message.strip(), f"{what}: empty error message")
        self.assertNotIn("\n", message.strip(), f"{what}: error is not one line: {message!r}")
        self.assertNotIn("Optional(", message, f"{what}: error shows Swift internals: {message!r}")


def http_inputs(model, start, count, datatype="FP32", binary=True):
    """tritonclient.http input tensors of events start..start+count of `model`."""
    tensors = []
    for name, values in model.slice(start, count).items():
        t = httpclient.InferInput(name, list(values.shape), datatype)
        t.set_data_from_numpy(values.astype(np.float64 if datatype == "FP64" else np.float32),
                              binary_data=binary)
        tensors.append(t)
    return tensors


def http_infer(client, model, start, count, version="", binary_in=True, binary_out=True,
               outputs=None, datatype="FP32", request_id=""):
    """Events start..start+count of `model`; outputs: names to request (None: all, unrequested)."""
    requested = None if outputs is None else [
        httpclient.InferRequestedOutput(n, binary_data=binary_out) for n in outputs]
    return client.infer(model.name, http_inputs(model, start, count, datatype, binary_in),
                        model_version=version, outputs=requested, request_id=request_id)


def grpc_inputs(model, start, count, datatype="FP32"):
    tensors = []
    for name, values in model.slice(start, count).items():
        t = grpcclient.InferInput(name, list(values.shape), datatype)
        t.set_data_from_numpy(values.astype(np.float64 if datatype == "FP64" else np.float32))
        tensors.append(t)
    return tensors


def grpc_infer(client, model, start, count, version="", outputs=None, datatype="FP32"):
    requested = None if outputs is None else [grpcclient.InferRequestedOutput(n) for n in outputs]
    return client.infer(model.name, grpc_inputs(model, start, count, datatype),
                        model_version=version, outputs=requested, client_timeout=120)


def offsets(batch):
    """A few starts for a batch size, inside the 600 events."""
    return sorted({0, 5, 600 - batch - 1}) if batch < 256 else [0, 343]


class TestHealth(ServingCase):
    def test_http_live_ready_metadata(self):
        client = self.http()
        self.assertTrue(client.is_server_live(), "GET /v2/health/live is not 200")
        self.assertTrue(client.is_server_ready(), "GET /v2/health/ready is not 200")
        meta = client.get_server_metadata()
        self.assertIsInstance(meta.get("name"), str, f"GET /v2 gave {meta}")
        self.assertTrue(meta["name"], f"GET /v2 gave an empty name: {meta}")
        self.assertIn("version", meta, f"GET /v2 gave {meta}")

    def test_grpc_live_ready_metadata(self):
        client = self.grpc()
        self.assertTrue(client.is_server_live(), "ServerLive is not live")
        self.assertTrue(client.is_server_ready(), "ServerReady is not ready")
        meta = client.get_server_metadata()
        self.assertTrue(meta.name, f"ServerMetadata gave {meta}")

    def test_metrics(self):
        """Prometheus text; after an infer on hlf_fixed, some `*_count{model="hlf_fixed"}` grows."""
        url = f"http://127.0.0.1:{self.ports['metrics']}/metrics"
        sample = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)( -?\d+)?$")

        def scrape():
            with urllib.request.urlopen(url, timeout=10) as response:
                self.assertEqual(response.status, 200)
                text = response.read().decode()
            lines = [line for line in text.splitlines() if line and not line.startswith("#")]
            bad = [line for line in lines if not sample.match(line)]
            self.assertFalse(bad, f"{url}: lines that are not Prometheus samples: {bad[:3]}")
            return {m.group(1): float(m.group(2)) for m in map(sample.match, lines)}

        model = self.fix.models["hlf_fixed"]
        http_infer(self.http(), model, 0, 2)
        before = scrape()
        counts = [k for k in before if "_count" in k and 'model="hlf_fixed"' in k]
        self.assertTrue(counts, f"{url} has no *_count sample for model hlf_fixed after an "
                                f"infer; samples: {list(before)[:5]}")
        http_infer(self.http(), model, 0, 2)
        after = scrape()
        self.assertTrue(any(after.get(k, 0) > before[k] for k in counts),
                        f"no {counts} grew after an infer on hlf_fixed")


class TestMetadata(ServingCase):
    def check_metadata(self, label, model, version, inputs, outputs):
        def shape_of(name):
            return [-1, *model.events[name].shape[1:]]
        self.assertEqual(sorted(i["name"] for i in inputs), sorted(model.inputs),
                         f"{label}: input names")
        for i in inputs:
            self.assertEqual(i["datatype"], "FP32", f"{label}: input {i}")
            self.assertEqual([int(d) for d in i["shape"]], shape_of(i["name"]),
                             f"{label}: input {i}")
        self.assertEqual(sorted(o["name"] for o in outputs), model.outputs(version),
                         f"{label}: output names against trigc run's datasets")
        for o in outputs:
            want = "INT64" if o["name"].endswith("_raw") else "FP32"
            self.assertEqual(o["datatype"], want, f"{label}: output {o}")
            self.assertEqual([int(d) for d in o["shape"]], [-1, 3], f"{label}: output {o}")

    def test_model_metadata(self):
        client, gclient = self.http(), self.grpc()
        for model in self.fix.models.values():
            for version in ["", *model.references]:
                with self.subTest(model=model.name, version=version):
                    meta = client.get_model_metadata(model.name, version)
                    self.assertEqual(meta["name"], model.name)
                    self.check_metadata(f"GET /v2/models/{model.name} v'{version}'", model,
                                        version, meta["inputs"], meta["outputs"])
                    if not version:
                        self.assertTrue(set(model.references) <= set(meta.get("versions", [])),
                                        f"versions {meta.get('versions')}")
                    gmeta = gclient.get_model_metadata(model.name, version, as_json=True)
                    self.check_metadata(f"gRPC ModelMetadata {model.name} v'{version}'", model,
                                        version, gmeta["inputs"], gmeta["outputs"])

    def test_model_config(self):
        """Triton's ModelConfig (what SONIC reads first): max batch size, tensors without the
        batch axis, over REST and gRPC."""
        client, gclient = self.http(), self.grpc()
        for model in self.fix.models.values():
            with self.subTest(model=model.name):
                for label, config in [("REST", client.get_model_config(model.name)),
                                      ("gRPC", gclient.get_model_config(model.name, as_json=True)["config"])]:
                    self.assertEqual(config["name"], model.name, f"{label} config {config}")
                    self.assertGreater(int(config["max_batch_size"]), 0, f"{label} config {config}")
                    dims = {i["name"]: [int(d) for d in i["dims"]] for i in config["input"]}
                    self.assertEqual(dims, {name: list(model.events[name].shape[1:]) for name in model.inputs},
                                     f"{label} config inputs {config['input']}")
                    self.assertEqual({i["data_type"] for i in config["input"]}, {"TYPE_FP32"}, f"{label}")
                    self.assertEqual(sorted(o["name"] for o in config["output"]), model.outputs(""),
                                     f"{label} config outputs")

    def test_model_ready(self):
        client, gclient = self.http(), self.grpc()
        for model in self.fix.models.values():
            for version in ["", *model.references]:
                self.assertTrue(client.is_model_ready(model.name, version),
                                f"HTTP {model.name} v'{version}' is not ready")
                self.assertTrue(gclient.is_model_ready(model.name, version),
                                f"gRPC {model.name} v'{version}' is not ready")
        self.assertFalse(client.is_model_ready("hlf_quantized", "3"))
        self.assertFalse(client.is_model_ready("no_such_model"))
        self.assertFalse(gclient.is_model_ready("hlf_quantized", "3"))

    def test_repository_index(self):
        index = self.http().get_model_repository_index()
        self.assertEqual({m["name"] for m in index}, set(self.fix.models), f"index {index}")
        for entry in index:
            self.assertEqual(entry.get("state", "READY"), "READY", f"index entry {entry}")
        gindex = self.grpc().get_model_repository_index(as_json=True)
        self.assertEqual({m["name"] for m in gindex.get("models", [])}, set(self.fix.models))


class TestInfer(ServingCase):
    MODES = [("binary in, binary out", True, True, True),
             ("JSON in, JSON out", False, False, True),
             ("JSON in, binary out", False, True, True),
             ("binary in, outputs not named", True, False, False)]

    def test_http(self):
        client = self.http()
        for model in self.fix.models.values():
            for batch in BATCHES:
                for start in offsets(batch):
                    for label, bin_in, bin_out, named in self.MODES:
                        with self.subTest(model=model.name, batch=batch, start=start, mode=label):
                            names = model.outputs()
                            result = http_infer(client, model, start, batch, binary_in=bin_in,
                                                binary_out=bin_out,
                                                outputs=names if named else None)
                            self.check_result(f"HTTP {model.name} {label} events {start}+{batch}",
                                              model, "", start, batch, result, names)

    def test_grpc(self):
        client = self.grpc()
        for model in self.fix.models.values():
            for batch in BATCHES:
                for start in offsets(batch):
                    with self.subTest(model=model.name, batch=batch, start=start):
                        names = model.outputs()
                        result = grpc_infer(client, model, start, batch, outputs=names)
                        self.check_result(f"gRPC {model.name} events {start}+{batch}", model, "",
                                          start, batch, result, names)

    def test_versions(self):
        model = self.fix.models["hlf_quantized"]
        client, gclient = self.http(), self.grpc()
        for version in ["", "1", "2"]:
            names = model.outputs(version)
            result = http_infer(client, model, 10, 64, version=version, outputs=names)
            self.check_result(f"HTTP hlf_quantized v'{version}'", model, version, 10, 64,
                              result, names)
            result = grpc_infer(gclient, model, 10, 64, version=version, outputs=names)
            self.check_result(f"gRPC hlf_quantized v'{version}'", model, version, 10, 64,
                              result, names)

    def test_fp64_inputs_and_one_output(self):
        client, gclient = self.http(), self.grpc()
        for model in self.fix.models.values():
            names = model.outputs()
            result = http_infer(client, model, 7, 3, datatype="FP64", outputs=names)
            self.check_result(f"HTTP {model.name} FP64 inputs", model, "", 7, 3, result, names)
            result = grpc_infer(gclient, model, 7, 3, datatype="FP64", outputs=names)
            self.check_result(f"gRPC {model.name} FP64 inputs", model, "", 7, 3, result, names)
            last = names[-1:]
            result = http_infer(client, model, 20, 5, outputs=last)
            self.check_result(f"HTTP {model.name} only {last}", model, "", 20, 5, result, last)
            got = [o["name"] for o in result.get_response()["outputs"]]
            self.assertEqual(got, last, f"HTTP {model.name}: asked for {last}, got {got}")

    def test_compression(self):
        """A gzip response is exact; a gzip request is answered exactly or refused with 400."""
        model, client = self.fix.models["hlf_fixed"], self.http()
        names = model.outputs()
        result = client.infer(model.name, http_inputs(model, 40, 8),
                              outputs=[httpclient.InferRequestedOutput(n) for n in names],
                              response_compression_algorithm="gzip")
        self.check_result("HTTP gzip response", model, "", 40, 8, result, names)
        try:
            result = client.infer(model.name, http_inputs(model, 40, 8),
                                  request_compression_algorithm="gzip")
        except InferenceServerException as error:
            self.assertEqual(error.status(), "400", f"HTTP gzip request: {error}")
            self.assertTrue(error.message().strip(), "HTTP gzip request: empty error")
        else:
            self.check_result("HTTP gzip request", model, "", 40, 8, result, names)

    def test_request_id_echoed(self):
        model = self.fix.models["hlf_float"]
        result = http_infer(self.http(), model, 0, 1, request_id="req-42")
        self.assertEqual(result.get_response().get("id"), "req-42")

    def test_grpc_contents_not_raw(self):
        """ModelInfer with typed `contents` (fp32_contents) instead of raw_input_contents."""
        model = self.fix.models["inclusive_fixed"]
        with grpc.insecure_channel(f"127.0.0.1:{self.ports['grpc']}") as channel:
            stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
            request = service_pb2.ModelInferRequest(model_name=model.name)
            for name, values in model.slice(30, 4).items():
                tensor = request.inputs.add(name=name, datatype="FP32", shape=list(values.shape))
                tensor.contents.fp32_contents.extend(values.ravel().tolist())
            response = stub.ModelInfer(request, timeout=60)
        for i, out in enumerate(response.outputs):
            dtype = np.int64 if out.datatype == "INT64" else np.float32
            if response.raw_output_contents:
                got = np.frombuffer(response.raw_output_contents[i], dtype=dtype)
            elif dtype == np.int64:
                got = np.array(out.contents.int64_contents, dtype=dtype)
            else:
                got = np.array(out.contents.fp32_contents, dtype=dtype)
            got = got.reshape(list(out.shape))
            problem = difference(out.name, got, model.expected("", out.name, 30, 4))
            self.assertIsNone(problem, f"gRPC contents request: {problem}")
        self.assertEqual(sorted(o.name for o in response.outputs), model.outputs())

    def test_grpc_stream(self):
        client = self.grpc()
        replies = queue.Queue()
        client.start_stream(callback=lambda result, error: replies.put((result, error)))
        model = self.fix.models["hlf_fixed"]
        starts = {f"s{i}": 11 * i for i in range(20)}
        try:
            for rid, start in starts.items():
                client.async_stream_infer(model.name, grpc_inputs(model, start, 3),
                                          request_id=rid, outputs=[
                                              grpcclient.InferRequestedOutput(n)
                                              for n in model.outputs()])
            for _ in range(len(starts)):
                result, error = replies.get(timeout=60)
                self.assertIsNone(error, f"ModelStreamInfer: {error}")
                rid = result.get_response().id
                self.assertIn(rid, starts, f"ModelStreamInfer reply with id '{rid}'")
                self.check_result(f"ModelStreamInfer {rid}", model, "", starts.pop(rid), 3,
                                  result, model.outputs())
        finally:
            client.stop_stream()
            client.close()


class TestRepository(ServingCase):
    def roundtrip(self, client, name, label):
        model = self.fix.models[name]
        client.unload_model(name)
        self.assertFalse(client.is_model_ready(name), f"{label}: {name} ready after unload")
        with self.assertRaises(InferenceServerException, msg=f"{label}: infer after unload"):
            if isinstance(client, httpclient.InferenceServerClient):
                http_infer(client, model, 0, 1)
            else:
                grpc_infer(client, model, 0, 1)
        index = self.http().get_model_repository_index()
        states = [e.get("state") for e in index if e["name"] == name]
        self.assertTrue(states, f"{label}: {name} not in the index after unload: {index}")
        self.assertNotIn("READY", states, f"{label}: index after unload: {index}")
        client.load_model(name)
        self.assertTrue(client.is_model_ready(name), f"{label}: {name} not ready after load")
        names = model.outputs()
        result = http_infer(self.http(), model, 100, 64, outputs=names)
        self.check_result(f"{label}: infer after reload", model, "", 100, 64, result, names)

    def test_http_unload_load(self):
        self.roundtrip(self.http(), "hlf_float", "HTTP unload/load")

    def test_grpc_unload_load(self):
        self.roundtrip(self.grpc(), "inclusive_float", "gRPC unload/load")

    def test_load_unknown_model(self):
        with self.assertRaises(InferenceServerException) as caught:
            self.http().load_model("no_such_model")
        self.assertIn(caught.exception.status(), ("400", "404"))
        with self.assertRaises(InferenceServerException):
            self.grpc().load_model("no_such_model")
