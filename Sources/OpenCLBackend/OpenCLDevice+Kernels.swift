import GraphIR
import OpenCLRuntime
import Training

/// An activation function as `common.cl` spells it: a code and two parameters.
struct ActivationCode {
    var code: Int32
    var p0: Float = 0
    var p1: Float = 0

    init(_ function: ActivationFunction) {
        switch function {
        case .linear: code = 0
        case .relu: code = 1
        case let .leakyRelu(alpha): (code, p0) = (2, alpha)
        case .tanh: code = 3
        case .sigmoid: code = 4
        case let .hardSigmoid(slope, offset): (code, p0, p1) = (5, slope, offset)
        case .softmax: code = 6
        }
    }

    var all: [CLArgument] { [.int(code), .float(p0), .float(p1)] }
    var withoutOffset: [CLArgument] { [.int(code), .float(p0)] }
}

// Elementwise, loss, GRU and optimizer operations: one kernel launch each.
extension OpenCLDevice {
    public func activate(_ function: ActivationFunction, _ x: MatrixView, into y: MatrixView) {
        if fuseActivation(function, x, into: y) { return }
        run { () throws(CLError) in
            if case .softmax = function {
                try launch("softmax_rows", global: [x.rows],
                           [.size(x.rows), .size(x.columns)] + (try arguments(x)) + (try arguments(y)))
            } else {
                try launch("activate_matrix", global: [x.columns, x.rows],
                           [.size(x.rows), .size(x.columns)] + ActivationCode(function).all
                           + (try arguments(x)) + (try arguments(y)))
            }
        }
    }

    public func activationGradient(_ function: ActivationFunction, output y: DeviceTensor,
                                   gradient dy: DeviceTensor, into dx: DeviceTensor) {
        run { () throws(CLError) in
            try launch("activation_gradient", global: [y.count],
                       [.size(y.count)] + ActivationCode(function).withoutOffset
                       + [.buffer(try buffer(y)), .buffer(try buffer(dy)), .buffer(try buffer(dx))])
        }
    }

    public func softmaxGradient(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView) {
        run { () throws(CLError) in
            try launch("softmax_gradient", global: [y.rows],
                       [.size(y.rows), .size(y.columns)] + (try arguments(y)) + (try arguments(dy)) + (try arguments(dx)))
        }
    }

    public func multiply(_ a: DeviceTensor, _ b: DeviceTensor, into c: DeviceTensor) {
        run { () throws(CLError) in
            try launch("multiply", global: [a.count],
                       [.size(a.count), .buffer(try buffer(a)), .buffer(try buffer(b)), .buffer(try buffer(c))])
        }
    }

    public func dropout(_ x: DeviceTensor, into y: DeviceTensor, scale: DeviceTensor, rate: Float,
                        seed: UInt64, counter: UInt64) {
        let key = DropoutMask.key(seed: seed, counter: counter)
        run { () throws(CLError) in
            try launch("dropout", global: [x.count],
                       [.size(x.count), .float(rate), .float(1 / (1 - rate)), .ulong(key),
                        .buffer(try buffer(x)), .buffer(try buffer(y)), .buffer(try buffer(scale))])
        }
    }

    public func sequenceMask(_ x: DeviceTensor, value: Float, features: Int, into mask: DeviceTensor) {
        run { () throws(CLError) in
            try launch("sequence_mask", global: [mask.count],
                       [.size(mask.count), .size(features), .float(value), .buffer(try buffer(x)),
                        .buffer(try buffer(mask))])
        }
    }

    public func softmaxCrossEntropy(probabilities: MatrixView, labels: MatrixView,
                                    logitGradient: MatrixView) -> (lossSum: Double, correct: Int) {
        let n = probabilities.rows
        var result = (lossSum: 0.0, correct: 0)
        run { () throws(CLError) in
            guard n > 0 else { return }
            let scratch = try lossScratch(rows: n)
            try launch("softmax_cross_entropy", global: [n],
                       [.size(n), .size(probabilities.columns), .float(1 / Float(n))] + (try arguments(probabilities))
                       + (try arguments(labels)) + (try arguments(logitGradient))
                       + [.buffer(scratch.loss), .buffer(scratch.correct)])
            let losses = try queue.read(scratch.loss, count: n)
            let hits = try queue.read(scratch.correct, count: n)
            result = (losses.reduce(0.0) { $0 + Double($1) }, hits.reduce(0) { $0 + ($1 != 0 ? 1 : 0) })
        }
        return result
    }

    func lossScratch(rows: Int) throws(CLError) -> (loss: CLBuffer, correct: CLBuffer) {
        if let scratch = lossScratch[rows] { return scratch }
        let made = (loss: try context.makeBuffer(floats: rows), correct: try context.makeBuffer(floats: rows))
        lossScratch[rows] = made
        return made
    }

    // MARK: GRU

    /// Mask arguments `(buffer, offset, stride, present)`; a placeholder buffer when unmasked.
    func maskArguments(_ mask: MatrixView?) throws(CLError) -> [CLArgument] {
        guard let mask else { return [.buffer(placeholder), .int(0), .int(0), .int(0)] }
        return (try arguments(mask)) + [.int(1)]
    }

    public func gruResetGate(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.input.rows
            try launch("gru_reset_gate", global: [s.units, n],
                       [.size(n), .size(s.units)] + ActivationCode(s.recurrentActivation).all
                       + (try arguments(s.input)) + (try arguments(s.recurrent)) + (try arguments(s.previous))
                       + (try arguments(s.r)) + (try arguments(s.resetState)))
        }
    }

    public func gruForward(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.input.rows
            var arguments: [CLArgument] = [.size(n), .size(s.units), .int(s.resetAfter ? 1 : 0)]
            arguments += ActivationCode(s.activation).all + ActivationCode(s.recurrentActivation).all
            for view in [s.input, s.recurrent, s.previous, s.next, s.z, s.r, s.candidate] {
                arguments += try self.arguments(view)
            }
            try launch("gru_forward", global: [s.units, n], arguments + (try maskArguments(s.mask)))
        }
    }

    public func gruBackward(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.z.rows
            var arguments: [CLArgument] = [.size(n), .size(s.units), .int(s.resetAfter ? 1 : 0)]
            arguments += ActivationCode(s.activation).withoutOffset + ActivationCode(s.recurrentActivation).withoutOffset
            for view in [s.stateGradient, s.previousGradient, s.inputGradient, s.recurrentGradient, s.recurrent,
                         s.previous, s.z, s.r, s.candidate] {
                arguments += try self.arguments(view)
            }
            try launch("gru_backward", global: [s.units, n], arguments + (try maskArguments(s.mask)))
        }
    }

    public func gruResetGateBackward(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.r.rows
            var arguments: [CLArgument] = [.size(n), .size(s.units)] + ActivationCode(s.recurrentActivation).withoutOffset
            for view in [s.resetStateGradient, s.previousGradient, s.inputGradient, s.recurrentGradient, s.previous, s.r] {
                arguments += try self.arguments(view)
            }
            try launch("gru_reset_gate_backward", global: [s.units, n], arguments)
        }
    }

    // MARK: Optimizers

    public func sgdUpdate(parameter: DeviceTensor, gradient: DeviceTensor, velocity: DeviceTensor?,
                          learningRate: Float, momentum: Float, nesterov: Bool) {
        run { () throws(CLError) in
            let v = try velocity.map { (t: DeviceTensor) throws(CLError) in try buffer(t) } ?? placeholder
            try launch("sgd_update", global: [parameter.count],
                       [.size(parameter.count), .float(learningRate), .float(momentum), .int(velocity == nil ? 0 : 1),
                        .int(nesterov ? 1 : 0), .buffer(try buffer(parameter)), .buffer(try buffer(gradient)),
                        .buffer(v)])
        }
    }
}
