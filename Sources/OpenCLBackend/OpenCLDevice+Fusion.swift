import GraphIR
import OpenCLRuntime
import Training

/// Work an ``OpenCLDevice`` holds back for one call so that it can merge with the next:
/// kernel launches dominate small-batch training on CPU devices (PoCL), so a dense layer's
/// `broadcastRows` + `gemm` + `activate` become one packed-SGEMM launch (bias and activation
/// in its epilogue), and an optimizer's consecutive Adam steps share launches. Any other call
/// launches the held work first (``OpenCLDevice/run(_:)``), so the queue's order, and every
/// result, is what the unmerged calls give.
enum PendingWork {
    /// `broadcastRows(vector, offset, into: target)`.
    case bias(vector: DeviceTensor, offset: Int, target: MatrixView)
    /// A packed SGEMM launch whose epilogue may still take an activation.
    case gemm(PendingGemm)
    /// Adam steps with the same hyper-parameters (at most four).
    case adam([AdamSlot], AdamHyper)
}

/// A packed SGEMM launch without its epilogue arguments.
struct PendingGemm {
    var kernel: CLKernel
    var descriptor: KernelDescriptor
    var global: [Int]
    var local: [Int]
    var arguments: [KernelArgument]
    var target: MatrixView
    /// The fused bias `(vector, offset)`, if any.
    var bias: (vector: DeviceTensor, offset: Int)?
    var activation = ActivationFunction.linear

    /// The packed kernels' epilogue: bias `(buffer, offset, use)` and activation.
    static func epilogue(bias: (vector: DeviceTensor, offset: Int)?, activation: ActivationFunction,
                         placeholder: CLBuffer) -> [KernelArgument] {
        [bias.map { .tensor($0.vector) } ?? .buffer(placeholder), .int(bias?.offset ?? 0), .flag(bias != nil),
         .activation(activation)]
    }
}

struct AdamSlot {
    var parameter: DeviceTensor, gradient: DeviceTensor, m: DeviceTensor, v: DeviceTensor
}

struct AdamHyper: Equatable {
    var alpha: Float, beta1: Float, beta2: Float, epsilon: Float
}

extension MatrixView {
    /// The same elements of the same tensor.
    func isSame(as other: MatrixView) -> Bool {
        tensor === other.tensor && offset == other.offset && rows == other.rows && columns == other.columns
            && stride == other.stride
    }
}

extension OpenCLDevice {
    /// Launches the held work, if any.
    func flushPending() throws(CLError) {
        guard let work = pending else { return }
        pending = nil
        switch work {
        case let .bias(vector, offset, c):
            try launch(.broadcastRows, global: [c.columns, c.rows],
                       [.int(c.rows), .int(c.columns), .tensor(vector), .int(offset), .view(c)])
        case let .gemm(g):
            let epilogue = PendingGemm.epilogue(bias: g.bias, activation: g.activation, placeholder: placeholder)
            try queue.launch(g.kernel, global: g.global, local: g.local,
                             arguments: try clArguments(g.descriptor, g.arguments + epilogue))
        case let .adam(slots, h):
            try launchAdam(slots, h)
        }
    }

    private func launchAdam(_ slots: [AdamSlot], _ h: AdamHyper) throws(CLError) {
        let hyper: [KernelArgument] = [.float(h.alpha), .float(h.beta1), .float(h.beta2), .float(h.epsilon)]
        if slots.count == 1, let s = slots.first {
            try launch(.adamUpdate, global: [s.parameter.count],
                       [.int(s.parameter.count)] + hyper + [.tensor(s.parameter), .tensor(s.gradient), .tensor(s.m), .tensor(s.v)])
            return
        }
        var arguments = hyper
        for k in 0..<4 {
            guard k < slots.count else {
                arguments += [.int(0)] + Array(repeating: KernelArgument.buffer(placeholder), count: 4)
                continue
            }
            let s = slots[k]
            arguments += [.int(s.parameter.count), .tensor(s.parameter), .tensor(s.gradient), .tensor(s.m), .tensor(s.v)]
        }
        let longest = slots.map(\.parameter.count).max() ?? 0
        try launch(.adamUpdate4, global: [longest, slots.count], arguments)
    }

    /// Takes an `activate` into the held gemm's epilogue when it applies in place to that
    /// gemm's result (every function but softmax, whose rows need the whole row).
    func fuseActivation(_ function: ActivationFunction, _ x: MatrixView, into y: MatrixView) -> Bool {
        if case .softmax = function { return false }
        guard case var .gemm(g)? = pending, g.target.isSame(as: x), x.isSame(as: y) else { return false }
        g.activation = function
        pending = .gemm(g)
        run { () throws(CLError) in }   // launches it
        return true
    }

    public func broadcastRows(_ vector: DeviceTensor, offset: Int, into c: MatrixView) {
        run { () throws(CLError) in
            pending = .bias(vector: vector, offset: offset, target: c)
            if !options.fusion { try flushPending() }
        }
    }

    public func gemm(_ a: MatrixView, transposeA: Bool, _ b: MatrixView, transposeB: Bool,
                     into c: MatrixView, alpha: Float, beta: Float) {
        let (m, n, k) = MatrixView.productShape(a, transposeA: transposeA, b, transposeB: transposeB, into: c)
        guard m > 0, n > 0 else { return }
        let small = m * n < options.smallProductLimit
        let plan = small ? smallPlan : largePlan
        let descriptor = KernelDescriptor.sgemm(plan.kernel, transposeA: transposeA, transposeB: transposeB)
        // A bias broadcast into c just before `c = op(a)·op(b) + c` joins the packed kernel.
        var bias: (vector: DeviceTensor, offset: Int)?
        if plan.kernel == .packed, beta == 1, case let .bias(vector, offset, target)? = pending, target.isSame(as: c) {
            bias = (vector, offset)
            pending = nil
        }
        run { () throws(CLError) in
            let kernel = try (small ? sgemmSmall : sgemmLarge).kernel(descriptor.name)
            let arguments: [KernelArgument] = [.int(m), .int(n), .int(k), .float(alpha), .view(a), .view(b), .float(beta), .view(c)]
            let global = plan.globalSize(m: m, n: n)
            guard plan.kernel == .packed, options.fusion else {
                let none = plan.kernel == .packed
                    ? PendingGemm.epilogue(bias: nil, activation: .linear, placeholder: placeholder) : []
                try queue.launch(kernel, global: global, local: plan.localSize,
                                 arguments: try clArguments(descriptor, arguments + none))
                return
            }
            var held = PendingGemm(kernel: kernel, descriptor: descriptor, global: global, local: plan.localSize,
                                   arguments: arguments, target: c)
            held.bias = bias
            pending = .gemm(held)
        }
    }

    public func adamUpdate(parameter: DeviceTensor, gradient: DeviceTensor, m: DeviceTensor, v: DeviceTensor,
                           alpha: Float, beta1: Float, beta2: Float, epsilon: Float) {
        let slot = AdamSlot(parameter: parameter, gradient: gradient, m: m, v: v)
        let hyper = AdamHyper(alpha: alpha, beta1: beta1, beta2: beta2, epsilon: epsilon)
        if case .adam(var slots, let held)? = pending, held == hyper, slots.count < 4,
           !slots.contains(where: { $0.parameter === parameter || $0.m === m || $0.v === v }) {
            slots.append(slot)
            pending = .adam(slots, hyper)
            return
        }
        run { () throws(CLError) in
            pending = .adam([slot], hyper)
            if !options.fusion { try flushPending() }
        }
    }
}
