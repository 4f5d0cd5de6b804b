"""KServe's own Python model server with the HLF DNN computed in numpy (bench_serving.py's peer).

    python kserve_hlf.py --ir hlf.ir --model-name hlf_float --http_port P --grpc_port Q

The weights are read from the float `.ir` text (harness.NumpyDense). Every other option is
kserve.ModelServer's own (it reads sys.argv itself). Per-request log lines (uvicorn's access log
and kserve's latency log) are switched off, as trigc serve writes none.
"""

import argparse
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import NumpyDense  # noqa: E402


def main():
    own = argparse.ArgumentParser(add_help=False)
    own.add_argument("--ir", required=True)
    own.add_argument("--model-name", default="hlf_float")
    args, rest = own.parse_known_args()
    sys.argv = [sys.argv[0], "--enable_latency_logging", "false", *rest]

    import kserve  # reads sys.argv: import after setting it
    from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer
    from kserve.errors import InvalidInput

    net = NumpyDense(args.ir)

    class HLFModel(Model):
        def __init__(self, name):
            super().__init__(name)
            self.ready = True

        async def predict(self, payload: InferRequest, headers=None, response_headers=None):
            if len(payload.inputs) != 1 or payload.inputs[0].name != net.input_name:
                raise InvalidInput(f"expected the one input '{net.input_name}'")
            x = payload.inputs[0].as_numpy()
            if x.ndim != 2 or x.shape[1] != net.features:
                raise InvalidInput(f"'{net.input_name}' must be [batch, {net.features}]")
            y = net(x)
            out = InferOutput(name=net.output_name, shape=list(y.shape), datatype="FP32")
            out.set_data_from_numpy(y, binary_data=payload.use_binary_outputs)
            return InferResponse(response_id=payload.id or "", model_name=self.name,
                                 infer_outputs=[out], use_binary_outputs=payload.use_binary_outputs,
                                 requested_outputs=payload.request_outputs)

        async def get_input_types(self):
            return [{"name": net.input_name, "datatype": "FP32", "shape": [-1, net.features]}]

        async def get_output_types(self):
            return [{"name": net.output_name, "datatype": "FP32", "shape": [-1, 3]}]

    server = ModelServer()
    for name in ("uvicorn.access", "kserve.trace", "kserve"):
        logging.getLogger(name).setLevel(logging.WARNING)
    print(f"kserve {kserve.__version__ if hasattr(kserve, '__version__') else ''} "
          f"serving {args.model_name}", flush=True)
    server.start([HLFModel(args.model_name)])


if __name__ == "__main__":
    main()
