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
    var global: [Int]
    var local: [Int]
    var arguments: [CLArgument]
    var target: MatrixView
    /// The fused bias `(buffer, offset)`, if any.
    var bias: (buffer: CLBuffer, offset: Int)?
    var activation = ActivationCode(.linear)
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
            try launch("broadcast_rows", global: [c.columns, c.rows],
                       [.size(c.rows), .size(c.columns), .buffer(try buffer(vector)), .size(offset)] + (try arguments(c)))
        case let .gemm(g):
            let epilogue: [CLArgument] = [.buffer(g.bias?.buffer ?? placeholder), .size(g.bias?.offset ?? 0),
                                          .int(g.bias == nil ? 0 : 1)] + g.activation.all
            try queue.launch(g.kernel, global: g.global, local: g.local, arguments: g.arguments + epilogue)
        case let .adam(slots, h):
            try launchAdam(slots, h)
        }
    }

    private func launchAdam(_ slots: [AdamSlot], _ h: AdamHyper) throws(CLError) {
        let hyper: [CLArgument] = [.float(h.alpha), .float(h.beta1), .float(h.beta2), .float(h.epsilon)]
        if slots.count == 1, let s = slots.first {
            try launch("adam_update", global: [s.parameter.count],
                       [.size(s.parameter.count)] + hyper
                       + [.buffer(try buffer(s.parameter)), .buffer(try buffer(s.gradient)), .buffer(try buffer(s.m)),
                          .buffer(try buffer(s.v))])
            return
        }
        var arguments = hyper
        for k in 0..<4 {
            guard k < slots.count else {
                arguments += [.int(0)] + Array(repeating: CLArgument.buffer(placeholder), count: 4)
                continue
            }
            let s = slots[k]
            arguments += [.size(s.parameter.count), .buffer(try buffer(s.parameter)), .buffer(try buffer(s.gradient)),
                          .buffer(try buffer(s.m)), .buffer(try buffer(s.v))]
        }
        let longest = slots.map(\.parameter.count).max() ?? 0
        try launch("adam_update4", global: [longest, slots.count], arguments)
    }

    /// Takes an `activate` into the held gemm's epilogue when it applies in place to that
    /// gemm's result (every function but softmax, whose rows need the whole row).
    func fuseActivation(_ function: ActivationFunction, _ x: MatrixView, into y: MatrixView) -> Bool {
        if case .softmax = function { return false }
        guard case var .gemm(g)? = pending, g.target.isSame(as: x), x.isSame(as: y) else { return false }
        g.activation = ActivationCode(function)
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
        let name = plan.kernelPrefix + (transposeA ? "t" : "n") + (transposeB ? "t" : "n")
        // A bias broadcast into c just before `c = op(a)·op(b) + c` joins the packed kernel.
        var bias: (vector: DeviceTensor, offset: Int)?
        if plan.kernel == .packed, beta == 1, case let .bias(vector, offset, target)? = pending, target.isSame(as: c) {
            bias = (vector, offset)
            pending = nil
        }
        run { () throws(CLError) in
            let kernel = try (small ? sgemmSmall : sgemmLarge).kernel(name)
            let arguments: [CLArgument] = [.size(m), .size(n), .size(k), .float(alpha)]
                + (try self.arguments(a)) + (try self.arguments(b)) + [.float(beta)] + (try self.arguments(c))
            let global = plan.globalSize(m: m, n: n)
            guard plan.kernel == .packed, options.fusion else {
                let none: [CLArgument] = [.buffer(placeholder), .size(0), .int(0)] + ActivationCode(.linear).all
                try queue.launch(kernel, global: global, local: plan.localSize,
                                 arguments: arguments + (plan.kernel == .packed ? none : []))
                return
            }
            var held = PendingGemm(kernel: kernel, global: global, local: plan.localSize, arguments: arguments, target: c)
            if let bias { held.bias = (try buffer(bias.vector), bias.offset) }
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
