// Generated from Kernels/*.cl by `TRIGC_RECORD_KERNELS=1 swift test --filter KernelSourceTests`;
// do not edit: a test fails when this file and Kernels/ differ.

/// The OpenCL C sources of `Kernels/`, embedded at build time (by file name).
enum KernelSources {
    static let files: [String: String] = [
        "common.cl": common,
        "dropout.cl": dropout,
        "elementwise.cl": elementwise,
        "gru.cl": gru,
        "gru_sequence.cl": gru_sequence,
        "loss.cl": loss,
        "optimizers.cl": optimizers,
        "sgemm.cl": sgemm,
    ]
}
