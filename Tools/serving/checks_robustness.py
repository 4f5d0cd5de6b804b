"""Bad requests, many concurrent clients, the request size limit and SIGTERM under load."""

import json
import random
import signal
import threading
import time

import grpc
import numpy as np
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from checks_protocol import ServingCase, grpc_infer, http_infer
from fixture import EVENTS, difference, json_tensor, raw_request

def infer_body(inputs, outputs=None):
    request = {"inputs": inputs}
    if outputs is not None:
        request["outputs"] = outputs
    return json.dumps(request).encode()


def binary_body(header, payload, header_length=None):
    text = json.dumps(header).encode()
    length = len(text) if header_length is None else header_length
    return text + payload, {"Inference-Header-Content-Length": str(length),
                            "Content-Type": "application/octet-stream"}


def is_timeout(error):
    text = f"{type(error).__name__} {error}".lower()
    return isinstance(error, TimeoutError) or "timed out" in text or "timeout" in text \
        or "deadline" in text


class TestBadRequests(ServingCase):
    def cases(self):
        x = self.fix.models["hlf_float"].slice(0, 1)["hlf_input"]
        good = json_tensor("hlf_input", x)
        inc = self.fix.models["inclusive_float"].slice(0, 1)
        infer = "/v2/models/{}/infer"
        j = {"Content-Type": "application/json"}
        payload56 = x.astype(np.float32).tobytes()
        bin_header = {"inputs": [{"name": "hlf_input", "shape": [1, 14], "datatype": "FP32",
                                  "parameters": {"binary_data_size": 56}}]}
        too_many = self.fix.models["hlf_fixed"].events["hlf_input"][:257]
        return [
            # (what, method, path, body, headers, accepted statuses)
            ("wrong input name", "POST", infer.format("hlf_float"),
             infer_body([json_tensor("nope", x)]), j, (400,)),
            ("missing input", "POST", infer.format("inclusive_float"),
             infer_body([json_tensor("hlf_input", inc["hlf_input"])]), j, (400,)),
            ("unexpected extra input", "POST", infer.format("hlf_float"),
             infer_body([good, json_tensor("extra", x)]), j, (400,)),
            ("wrong feature count [1,13]", "POST", infer.format("hlf_float"),
             infer_body([json_tensor("hlf_input", x[:, :13])]), j, (400,)),
            ("no batch axis [14]", "POST", infer.format("hlf_float"),
             infer_body([json_tensor("hlf_input", x[0])]), j, (400,)),
            ("wrong GRU shape [1,19,20]", "POST", infer.format("inclusive_float"),
             infer_body([json_tensor("gru_input", inc["gru_input"], shape=[1, 19, 20]),
                         json_tensor("hlf_input", inc["hlf_input"])]), j, (400,)),
            ("shape [2,14] with 14 values", "POST", infer.format("hlf_float"),
             infer_body([json_tensor("hlf_input", x, shape=[2, 14])]), j, (400,)),
            ("datatype INT32", "POST", infer.format("hlf_float"),
             infer_body([json_tensor("hlf_input", np.zeros((1, 14), np.int32), "INT32")]), j,
             (400,)),
            ("datatype FP99", "POST", infer.format("hlf_float"),
             infer_body([json_tensor("hlf_input", x, "FP99")]), j, (400,)),
            ("strings as data", "POST", infer.format("hlf_float"),
             infer_body([{**good, "data": ["a"] * 14}]), j, (400,)),
            ("257 events, max_batch_size 256", "POST", infer.format("hlf_fixed"),
             infer_body([json_tensor("hlf_input", too_many)]), j, (400,)),
            ("unknown output requested", "POST", infer.format("hlf_float"),
             infer_body([good], outputs=[{"name": "nope"}]), j, (400,)),
            ("truncated binary data", "POST", infer.format("hlf_float"),
             *binary_body(bin_header, payload56[:40]), (400,)),
            ("header length past the body", "POST", infer.format("hlf_float"),
             *binary_body(bin_header, payload56, header_length=10_000), (400,)),
            ("binary_data_size 52 for [1,14] FP32", "POST", infer.format("hlf_float"),
             *binary_body({"inputs": [{**bin_header["inputs"][0],
                                       "parameters": {"binary_data_size": 52}}]},
                          payload56[:52]), (400,)),
            ("invalid JSON", "POST", infer.format("hlf_float"), b"{not json", j, (400,)),
            ("JSON array, not an object", "POST", infer.format("hlf_float"), b"[1, 2]", j, (400,)),
            ("empty body", "POST", infer.format("hlf_float"), b"", j, (400,)),
            ("inputs is a number", "POST", infer.format("hlf_float"), b'{"inputs": 5}', j, (400,)),
            ("unknown model: infer", "POST", infer.format("no_such_model"),
             infer_body([good]), j, (404,)),
            ("unknown model: metadata", "GET", "/v2/models/no_such_model", None, {}, (404,)),
            ("unknown version: infer", "POST", "/v2/models/hlf_quantized/versions/9/infer",
             infer_body([good]), j, (404,)),
            ("unknown version: metadata", "GET", "/v2/models/hlf_quantized/versions/9", None, {},
             (404,)),
            ("version 0", "POST", "/v2/models/hlf_quantized/versions/0/infer",
             infer_body([good]), j, (400, 404)),
            ("version 'abc'", "POST", "/v2/models/hlf_quantized/versions/abc/infer",
             infer_body([good]), j, (400, 404)),
        ]

    def test_http(self):
        port = self.ports["http"]
        for what, method, path, body, headers, accepted in self.cases():
            with self.subTest(case=what):
                status, _, reply = raw_request(port, method, path, body, headers)
                self.check_error_reply(f"{method} {path} ({what})", status, reply, accepted)
        status, _, _ = raw_request(port, "GET", "/v2/health/ready")
        self.assertEqual(status, 200, "/v2/health/ready after the bad requests")
        model = self.fix.models["hlf_fixed"]
        result = http_infer(self.http(), model, 3, 64, outputs=model.outputs())
        self.check_result("HTTP infer after the bad requests", model, "", 3, 64, result,
                          model.outputs())

    def test_grpc(self):
        x = self.fix.models["hlf_float"].slice(0, 2)["hlf_input"]

        def request(model="hlf_float", version="", name="hlf_input", datatype="FP32",
                    shape=(2, 14), raw=None):
            r = service_pb2.ModelInferRequest(model_name=model, model_version=version)
            r.inputs.add(name=name, datatype=datatype, shape=list(shape))
            r.raw_input_contents.append(x.tobytes() if raw is None else raw)
            return r

        cases = [
            ("unknown model", "ModelInfer", request(model="no_such_model"), "NOT_FOUND"),
            ("unknown version", "ModelInfer", request(model="hlf_quantized", version="9"),
             "NOT_FOUND"),
            ("wrong input name", "ModelInfer", request(name="nope"), "INVALID_ARGUMENT"),
            ("wrong shape [2,13]", "ModelInfer", request(shape=(2, 13)), "INVALID_ARGUMENT"),
            ("raw bytes short", "ModelInfer", request(raw=x.tobytes()[:100]), "INVALID_ARGUMENT"),
            ("datatype INT32", "ModelInfer", request(datatype="INT32"), "INVALID_ARGUMENT"),
            ("unknown model metadata", "ModelMetadata",
             service_pb2.ModelMetadataRequest(name="no_such_model"), "NOT_FOUND"),
        ]
        with grpc.insecure_channel(f"127.0.0.1:{self.ports['grpc']}") as channel:
            stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
            for what, method, message, code in cases:
                with self.subTest(case=what):
                    with self.assertRaises(grpc.RpcError, msg=f"gRPC {what}: no error") as caught:
                        getattr(stub, method)(message, timeout=30)
                    error = caught.exception
                    self.assertEqual(error.code().name, code,
                                     f"gRPC {method} ({what}): {error.code().name} "
                                     f"'{error.details()}', expected {code}")
                    self.assertTrue((error.details() or "").strip(), f"gRPC {what}: no message")
            ready = stub.ServerReady(service_pb2.ServerReadyRequest(), timeout=10)
            self.assertTrue(ready.ready, "ServerReady after the bad requests")
        model = self.fix.models["inclusive_fixed"]
        result = grpc_infer(self.grpc(), model, 3, 16, outputs=model.outputs())
        self.check_result("gRPC infer after the bad requests", model, "", 3, 16, result,
                          model.outputs())


def random_request(rng, models):
    """(model, version, start, batch, protocol) for one random request."""
    model = rng.choice(models)
    version = rng.choice(["", "1", "2"]) if model.name == "hlf_quantized" else ""
    batch = rng.choice([1, 1, 1, 2, 3, 5, 8, 16])
    return model, version, rng.randrange(0, EVENTS - batch + 1), batch, \
        rng.choice(["http binary", "http JSON", "grpc"])


def send(clients, model, version, start, batch, protocol):
    names = model.outputs(version)
    if protocol == "grpc":
        return grpc_infer(clients["grpc"], model, start, batch, version=version, outputs=names)
    binary = protocol == "http binary"
    return http_infer(clients["http"], model, start, batch, version=version, binary_in=binary,
                      binary_out=binary, outputs=names)


def check(result, model, version, start, batch):
    problems = [difference(n, result.as_numpy(n), model.expected(version, n, start, batch))
                for n in model.outputs(version)]
    return "; ".join(p for p in problems if p) or None


class TestConcurrency(ServingCase):
    threads = 8
    requests_per_thread = 250

    def test_many_clients(self):
        fix = self.fix.models
        models = [fix["hlf_fixed"], fix["hlf_fixed"], fix["hlf_float"], fix["hlf_quantized"],
                  fix["inclusive_fixed"], fix["inclusive_float"]]
        failures, lock = [], threading.Lock()

        def worker(tid):
            rng = random.Random(tid)
            clients = {"http": self.http(), "grpc": self.grpc()}
            for _ in range(self.requests_per_thread):
                model, version, start, batch, protocol = random_request(rng, models)
                label = f"{protocol} {model.name} v'{version}' events {start}+{batch}"
                try:
                    problem = check(send(clients, model, version, start, batch, protocol),
                                    model, version, start, batch)
                except Exception as error:
                    problem = f"{type(error).__name__}: {error}"
                if problem:
                    with lock:
                        failures.append(f"{label}: {problem}")

        begin = time.monotonic()
        workers = [threading.Thread(target=worker, args=(t,), daemon=True)
                   for t in range(self.threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(max(1.0, 600 - (time.monotonic() - begin)))
        hung = sum(w.is_alive() for w in workers)
        elapsed = time.monotonic() - begin
        total = self.threads * self.requests_per_thread
        print(f"\n    {self.threads} threads x {self.requests_per_thread} requests in "
              f"{elapsed:.1f} s ({total / elapsed:.0f} requests/s)", end=" ", flush=True)
        self.assertEqual(hung, 0, f"{hung} client threads still running after 600 s")
        self.assertEqual(len(failures), 0, f"{len(failures)} of {total} requests failed; first: "
                         + " | ".join(failures[:5]))


class TestLimits(ServingCase):
    """A second server with --max-request-bytes 65536."""

    LIMIT = 65536

    @classmethod
    def setUpClass(cls):
        cls.server, cls.limited = cls.fix.start_server(
            "limits", ["--max-request-bytes", str(cls.LIMIT)])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_body_over_limit(self):
        port = self.limited["http"]
        hlf = self.fix.models["hlf_float"]
        inc = self.fix.models["inclusive_fixed"]
        big_json = infer_body([json_tensor("hlf_input", hlf.events["hlf_input"])])
        events = inc.slice(0, 50)
        header = {"inputs": [{"name": n, "shape": list(v.shape), "datatype": "FP32",
                              "parameters": {"binary_data_size": v.nbytes}}
                             for n, v in events.items()]}
        big_binary = binary_body(header, b"".join(v.tobytes() for v in events.values()))
        for what, body, headers in [
                (f"JSON body of {len(big_json)} bytes", big_json,
                 {"Content-Type": "application/json"}),
                (f"binary body of {len(big_binary[0])} bytes", *big_binary)]:
            self.assertGreater(len(body), self.LIMIT)
            with self.subTest(case=what):
                path = f"/v2/models/{'hlf_float' if 'JSON' in what else inc.name}/infer"
                try:
                    status, _, reply = raw_request(port, "POST", path, body, headers)
                except (ConnectionError, OSError) as error:
                    self.fail(f"POST {path} with a {what} over the {self.LIMIT}-byte limit: "
                              f"no reply ({type(error).__name__}: {error}), expected 413 or 400")
                self.check_error_reply(f"POST {path} ({what}, limit {self.LIMIT})", status,
                                       reply, (413, 400))
        result = http_infer(self.http(port), hlf, 0, 3, outputs=hlf.outputs())
        self.check_result("HTTP infer under the limit", hlf, "", 0, 3, result, hlf.outputs())

    def test_grpc_message_over_limit(self):
        model = self.fix.models["inclusive_fixed"]
        client = self.grpc(self.limited["grpc"])
        what = f"gRPC 100 inclusive events (about 160 KB) with a {self.LIMIT}-byte limit"
        with self.assertRaises(InferenceServerException, msg=f"{what}: answered") as caught:
            grpc_infer(client, model, 0, 100)
        error = caught.exception
        self.assertIn(error.status(), ("StatusCode.RESOURCE_EXHAUSTED",
                                       "StatusCode.INVALID_ARGUMENT"),
                      f"gRPC message over the {self.LIMIT}-byte limit: {error.status()} "
                      f"'{error.message()}', expected RESOURCE_EXHAUSTED or INVALID_ARGUMENT")
        result = grpc_infer(client, model, 0, 4, outputs=model.outputs())
        self.check_result("gRPC infer under the limit", model, "", 0, 4, result, model.outputs())

    def test_sigint_exit(self):
        """Last of this class (by name): SIGINT stops the server with status 0."""
        self.server.signal(signal.SIGINT)
        status = self.server.wait(60)
        self.assertEqual(status, 0, f"trigc serve after SIGINT: exit status {status}")


class TestShutdown(ServingCase):
    """SIGTERM to the main server while 6 clients send: the last check of all."""

    def test_sigterm_under_load(self):
        fix = self.fix.models
        models = [fix["hlf_fixed"], fix["hlf_float"], fix["inclusive_fixed"]]
        wrong, hangs, early_errors, lock = [], [], [], threading.Lock()
        answered = [0] * 6
        after = {"answered": 0, "errors": 0}
        sent_at = []

        def worker(tid):
            rng = random.Random(100 + tid)
            clients = {"http": self.http(network_timeout=20), "grpc": self.grpc()}
            errors_in_row = 0
            while errors_in_row < 3:
                if sent_at and time.monotonic() - sent_at[0] > 60:
                    break
                model, version, start, batch, protocol = random_request(rng, models)
                protocol = ("http binary", "http JSON", "grpc")[tid % 3]
                begin = time.monotonic()
                label = f"{protocol} {model.name} events {start}+{batch}"
                try:
                    result = send(clients, model, version, start, batch, protocol)
                except Exception as error:
                    took = time.monotonic() - begin
                    with lock:
                        if is_timeout(error) or took > 15:
                            hangs.append(f"{label}: no reply after {took:.1f} s ({error})")
                        elif not sent_at:
                            early_errors.append(f"{label}: {type(error).__name__}: {error}")
                        else:
                            after["errors"] += 1
                    errors_in_row += 1
                    time.sleep(0.05)
                    continue
                errors_in_row = 0
                problem = check(result, model, version, start, batch)
                with lock:
                    answered[tid] += 1
                    if sent_at:
                        after["answered"] += 1
                    if problem:
                        wrong.append(f"{label}: {problem}")

        workers = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(6)]
        for w in workers:
            w.start()
        deadline = time.monotonic() + 30
        while min(answered) < 5 and time.monotonic() < deadline and not early_errors:
            time.sleep(0.05)
        sent_at.append(time.monotonic())
        self.server.signal(signal.SIGTERM)
        status = self.server.wait(60)
        for w in workers:
            w.join(max(1.0, 90 - (time.monotonic() - sent_at[0])))
        alive = sum(w.is_alive() for w in workers)
        print(f"\n    answered {sum(answered)} ({after['answered']} after SIGTERM), "
              f"{after['errors']} refused after SIGTERM, exit status {status}", end=" ", flush=True)
        self.assertEqual(len(early_errors), 0, f"errors before SIGTERM: {early_errors[:3]}")
        self.assertGreaterEqual(min(answered), 1, f"a client had no answer: {answered}")
        self.assertEqual(len(wrong), 0, f"wrong answers around SIGTERM: {wrong[:3]}")
        self.assertEqual(len(hangs), 0, f"requests that hung around SIGTERM: {hangs[:3]}")
        self.assertEqual(alive, 0, f"{alive} clients still waiting 90 s after SIGTERM")
        self.assertIsNotNone(status, "trigc serve still running 60 s after SIGTERM")
        self.assertEqual(status, 0, f"trigc serve exited with {status} after SIGTERM")
