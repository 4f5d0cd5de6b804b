import GraphIR
import OpenCLRuntime
import Training

// Elementwise, loss, GRU and optimizer operations: one kernel launch each.
extension OpenCLDevice {
    public func activate(_ function: ActivationFunction, _ x: MatrixView, into y: MatrixView) {
        if fuseActivation(function, x, into: y) { return }
        run { () throws(CLError) in
            if case .softmax = function {
                try launch(.softmaxRows, global: [x.rows], [.int(x.rows), .int(x.columns), .view(x), .view(y)])
            } else {
                try launch(.activateMatrix, global: [x.columns, x.rows],
                           [.int(x.rows), .int(x.columns), .activation(function), .view(x), .view(y)])
            }
        }
    }

    public func activationGradient(_ function: ActivationFunction, output y: DeviceTensor,
                                   gradient dy: DeviceTensor, into dx: DeviceTensor) {
        run { () throws(CLError) in
            try launch(.activationGradient, global: [y.count],
                       [.int(y.count), .derivative(function), .tensor(y), .tensor(dy), .tensor(dx)])
        }
    }

    public func softmaxGradient(output y: MatrixView, gradient dy: MatrixView, into dx: MatrixView) {
        run { () throws(CLError) in
            try launch(.softmaxGradient, global: [y.rows], [.int(y.rows), .int(y.columns), .view(y), .view(dy), .view(dx)])
        }
    }

    public func multiply(_ a: DeviceTensor, _ b: DeviceTensor, into c: DeviceTensor) {
        run { () throws(CLError) in
            try launch(.multiply, global: [a.count], [.int(a.count), .tensor(a), .tensor(b), .tensor(c)])
        }
    }

    public func dropout(_ x: DeviceTensor, into y: DeviceTensor, scale: DeviceTensor, rate: Float,
                        seed: UInt64, counter: UInt64, firstElement: Int) {
        let key = DropoutMask.key(seed: seed, counter: counter, firstElement: firstElement)
        run { () throws(CLError) in
            try launch(.dropout, global: [x.count],
                       [.int(x.count), .float(rate), .float(1 / (1 - rate)), .ulong(key), .tensor(x), .tensor(y), .tensor(scale)])
        }
    }

    public func sequenceMask(_ x: DeviceTensor, value: Float, features: Int, into mask: DeviceTensor) {
        run { () throws(CLError) in
            try launch(.sequenceMask, global: [mask.count],
                       [.int(mask.count), .int(features), .float(value), .tensor(x), .tensor(mask)])
        }
    }

    public func softmaxCrossEntropy(probabilities: MatrixView, labels: MatrixView, logitGradient: MatrixView,
                                    classWeights: [Float]?) -> (lossSum: Double, correct: Int) {
        let n = probabilities.rows
        var result = (lossSum: 0.0, correct: 0)
        run { () throws(CLError) in
            guard n > 0 else { return }
            let scratch = try lossScratch(rows: n)
            let weights = try classWeightBuffer(classWeights ?? Array(repeating: 1, count: probabilities.columns))
            try launch(.softmaxCrossEntropy, global: [n],
                       [.int(n), .int(probabilities.columns), .float(1 / Float(n)), .view(probabilities), .view(labels),
                        .view(logitGradient), .buffer(scratch), .buffer(weights), .int(classWeights == nil ? 0 : 1)])
            // One blocking read of 2n floats per batch (losses, then hits).
            let sums = try queue.read(scratch, count: 2 * n)
            result = (sums[..<n].reduce(0.0) { $0 + Double($1) }, sums[n...].reduce(0) { $0 + ($1 != 0 ? 1 : 0) })
        }
        return result
    }

    /// The class weights on the device (uploaded once per distinct set).
    func classWeightBuffer(_ weights: [Float]) throws(CLError) -> CLBuffer {
        if let (kept, buffer) = classWeights, kept == weights { return buffer }
        let buffer = try context.makeBuffer(floats: weights.count)
        try weights.withUnsafeBufferPointer { pointer throws(CLError) in try queue.write(pointer, to: buffer, at: 0) }
        classWeights = (weights, buffer)
        return buffer
    }

    func lossScratch(rows: Int) throws(CLError) -> CLBuffer {
        if let scratch = lossScratch[rows] { return scratch }
        let made = try context.makeBuffer(floats: 2 * rows)
        lossScratch[rows] = made
        return made
    }

    // MARK: GRU

    public func gruResetGate(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.input.rows
            try launch(.gruResetGate, global: [s.units, n],
                       [.int(n), .int(s.units), .activation(s.recurrentActivation)]
                       + [s.input, s.recurrent, s.previous, s.r, s.resetState].map(KernelArgument.view))
        }
    }

    public func gruForward(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.input.rows
            try launch(.gruForward, global: [s.units, n],
                       [.int(n), .int(s.units), .flag(s.resetAfter), .activation(s.activation),
                        .activation(s.recurrentActivation)]
                       + [s.input, s.recurrent, s.previous, s.next, s.z, s.r, s.candidate].map(KernelArgument.view)
                       + [.optionalView(s.mask)])
        }
    }

    public func gruBackward(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.z.rows
            let views = [s.stateGradient, s.previousGradient, s.inputGradient, s.recurrentGradient, s.recurrent,
                         s.previous, s.z, s.r, s.candidate]
            try launch(.gruBackward, global: [s.units, n],
                       [.int(n), .int(s.units), .flag(s.resetAfter), .derivative(s.activation),
                        .derivative(s.recurrentActivation)] + views.map(KernelArgument.view) + [.optionalView(s.mask)])
        }
    }

    public func gruResetGateBackward(_ s: GRUStep) {
        run { () throws(CLError) in
            let n = s.r.rows
            let views = [s.resetStateGradient, s.previousGradient, s.inputGradient, s.recurrentGradient, s.previous, s.r]
            try launch(.gruResetGateBackward, global: [s.units, n],
                       [.int(n), .int(s.units), .derivative(s.recurrentActivation)] + views.map(KernelArgument.view))
        }
    }

    // MARK: Optimizers

    public func sgdUpdate(parameter: DeviceTensor, gradient: DeviceTensor, velocity: DeviceTensor?,
                          learningRate: Float, momentum: Float, nesterov: Bool) {
        run { () throws(CLError) in
            try launch(.sgdUpdate, global: [parameter.count],
                       [.int(parameter.count), .float(learningRate), .float(momentum), .flag(velocity != nil),
                        .flag(nesterov), .tensor(parameter), .tensor(gradient), velocity.map(KernelArgument.tensor) ?? .buffer(placeholder)])
        }
    }
}
