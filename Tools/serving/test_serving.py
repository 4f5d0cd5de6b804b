"""End-to-end checks of `trigc serve` with the real Triton clients (`make test-serving`).

    python Tools/serving/test_serving.py --trigc .build/debug/trigc [--keep] [--threads 8]
        [--requests-per-thread 250] [--only TestInfer ...]

Builds a model repository in a temporary folder (fixture.py), makes events and `trigc run`
references, starts `trigc serve` on free ports and checks health, metadata, the repository
API, inference over HTTP (JSON and binary tensors) and gRPC on every model against `trigc run`
bit for bit, bad requests, many concurrent clients, the request size limit and SIGTERM under
load. Prints the servers' logs and keeps the folder on any failure; exits 1 then.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checks_protocol import (ServingCase, TestHealth, TestInfer, TestMetadata,  # noqa: E402
                             TestRepository)
from checks_robustness import (TestBadRequests, TestConcurrency, TestLimits,  # noqa: E402
                               TestShutdown)
from fixture import Fixture  # noqa: E402
from harness import Trigc  # noqa: E402

# In this order: the repository checks unload and reload models; the last stops the server.
CASES = [TestHealth, TestMetadata, TestInfer, TestRepository, TestBadRequests, TestConcurrency,
         TestLimits, TestShutdown]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--trigc", required=True, help="the trigc binary")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--threads", type=int, default=8, help="client threads of the concurrency check")
    p.add_argument("--requests-per-thread", type=int, default=250)
    p.add_argument("--only", nargs="+", metavar="CLASS", choices=[c.__name__ for c in CASES],
                   help="run only these check classes")
    return p.parse_args()


def binary_id(path):
    """Sizes and modification times of trigc and its trigc-serve: tell a rebuild during the run."""
    found = []
    for file in (path, os.path.join(os.path.dirname(path), "trigc-serve")):
        try:
            info = os.stat(file)
            found.append((info.st_size, info.st_mtime_ns))
        except OSError:
            found.append(None)
    return found


def main():
    args = parse_args()
    # SIGTERM and SIGHUP end the run like Ctrl-C, through the `finally` that stops the servers.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)
    trigc = Trigc(args.trigc)
    TestConcurrency.threads = args.threads
    TestConcurrency.requests_per_thread = args.requests_per_thread
    build_id = binary_id(trigc.path)
    work = tempfile.mkdtemp(prefix="trigc-test-serving-")
    fixture = Fixture(trigc, work)
    begin = time.monotonic()
    ok = False
    try:
        fixture.build()
        print(f"repository, events and references in {time.monotonic() - begin:.1f} s ({work})",
              flush=True)
        server, ports = fixture.start_server("main")
        ServingCase.fix, ServingCase.ports, ServingCase.server = fixture, ports, server
        loader = unittest.defaultTestLoader
        suite = unittest.TestSuite(loader.loadTestsFromTestCase(case) for case in CASES
                                   if not args.only or case.__name__ in args.only)
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
        statuses = fixture.stop_all()
        ok = result.wasSuccessful()
        if statuses[0] != 0:
            print(f"FAIL: trigc serve (main) exited with status {statuses[0]} after SIGTERM")
            ok = False
    except Exception as error:
        fixture.stop_all()
        print(f"ERROR: {type(error).__name__}: {error}", flush=True)
    except KeyboardInterrupt:
        fixture.stop_all()
        print("interrupted", flush=True)
    finally:
        fixture.stop_all()
        elapsed = time.monotonic() - begin
        if binary_id(trigc.path) != build_id:
            print(f"WARNING: {args.trigc} changed while the test ran; the references and the "
                  f"server may come from different builds.")
        if not ok and fixture.servers:
            print(fixture.server_logs())
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"files kept in {work}")
        print(f"test_serving: {'passed' if ok else 'FAILED'} in {elapsed:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # no interpreter teardown: client threads of a failed check may remain
