// Every kernel of `Kernels/*.cl`, as ``OpenCLDevice`` launches it.
extension KernelDescriptor {
    // elementwise.cl
    static let copyMatrix = KernelDescriptor("copy_matrix", [.int, .int, .view, .view])
    static let addMatrix = KernelDescriptor("add_matrix", [.int, .int, .view, .view])
    static let multiplyMatrix = KernelDescriptor("multiply_matrix", [.int, .int, .view, .view])
    static let broadcastRows = KernelDescriptor("broadcast_rows", [.int, .int, .buffer, .int, .view])
    static let sumRows = KernelDescriptor("sum_rows", [.int, .int, .view, .buffer, .int, .int])
    static let activateMatrix = KernelDescriptor("activate_matrix", [.int, .int, .activation, .view, .view])
    static let softmaxRows = KernelDescriptor("softmax_rows", [.int, .int, .view, .view])
    static let activationGradient = KernelDescriptor(
        "activation_gradient", [.int, .derivative, .buffer, .buffer, .buffer])
    static let softmaxGradient = KernelDescriptor("softmax_gradient", [.int, .int, .view, .view, .view])
    static let multiply = KernelDescriptor("multiply", [.int, .buffer, .buffer, .buffer])
    static let sequenceMask = KernelDescriptor("sequence_mask", [.int, .int, .float, .buffer, .buffer])

    // loss.cl, dropout.cl
    static let softmaxCrossEntropy = KernelDescriptor(
        "softmax_cross_entropy", [.int, .int, .float, .view, .view, .view, .buffer, .buffer, .int])
    static let dropout = KernelDescriptor("dropout", [.int, .float, .float, .ulong, .buffer, .buffer, .buffer])

    // gru.cl
    static let gruResetGate = KernelDescriptor(
        "gru_reset_gate", [.int, .int, .activation] + Array(repeating: .view, count: 5))
    static let gruForward = KernelDescriptor(
        "gru_forward", [.int, .int, .int, .activation, .activation] + Array(repeating: .view, count: 7) + [.optionalView])
    static let gruBackward = KernelDescriptor(
        "gru_backward", [.int, .int, .int, .derivative, .derivative] + Array(repeating: .view, count: 9) + [.optionalView])
    static let gruResetGateBackward = KernelDescriptor(
        "gru_reset_gate_backward", [.int, .int, .derivative] + Array(repeating: .view, count: 6))

    // gru_sequence.cl
    static let gruSequenceForward = KernelDescriptor(
        "gru_sequence_forward", [.int, .int, .int, .int, .activation, .activation, .buffer, .buffer, .buffer, .int]
            + Array(repeating: .buffer, count: 6) + [.optionalView, .local, .local, .local])
    static let gruSequenceBackward = KernelDescriptor(
        "gru_sequence_backward", [.int, .int, .int, .int, .derivative, .derivative]
            + Array(repeating: .buffer, count: 9) + [.optionalView, .local, .local, .local, .local])

    // optimizers.cl
    static let adamUpdate = KernelDescriptor("adam_update", [.int, .float, .float, .float, .float, .buffer, .buffer, .buffer, .buffer])
    /// Four slots of `(count, p, g, m, v)` after the hyper-parameters.
    static let adamUpdate4 = KernelDescriptor(
        "adam_update4", [.float, .float, .float, .float] + Array(repeating: [.int, .buffer, .buffer, .buffer, .buffer], count: 4).flatMap { $0 })
    static let sgdUpdate = KernelDescriptor("sgd_update", [.int, .float, .float, .int, .int, .buffer, .buffer, .buffer])

    /// The kernels of the training program.
    static let training: [KernelDescriptor] = [
        copyMatrix, addMatrix, multiplyMatrix, broadcastRows, sumRows, activateMatrix, softmaxRows, activationGradient, softmaxGradient,
        multiply, sequenceMask, softmaxCrossEntropy, dropout, gruResetGate, gruForward, gruBackward, gruResetGateBackward,
        gruSequenceForward, gruSequenceBackward, adamUpdate, adamUpdate4, sgdUpdate,
    ]

    // sgemm.cl

    /// `sgemm_*`, `sgemm_direct_*` or `sgemm_cpu_*` (by `kernel`) for `c = alpha·op(a)·op(b) + beta·c`;
    /// the packed kernels also take the epilogue: a bias `(buffer, offset, use)` and an activation.
    static func sgemm(_ kernel: SGEMMPlan.Kernel, transposeA: Bool, transposeB: Bool) -> KernelDescriptor {
        let product: [KernelParameter] = [.int, .int, .int, .float, .view, .view, .float, .view]
        let epilogue: [KernelParameter] = kernel == .packed ? [.buffer, .int, .int, .activation] : []
        return KernelDescriptor(kernel.prefix + (transposeA ? "t" : "n") + (transposeB ? "t" : "n"), product + epilogue)
    }

    /// The kernels of the SGEMM program.
    static var sgemm: [KernelDescriptor] {
        [SGEMMPlan.Kernel.tiled, .direct, .packed].flatMap { kernel in
            [(false, false), (false, true), (true, false), (true, true)].map { sgemm(kernel, transposeA: $0, transposeB: $1) }
        }
    }
}
