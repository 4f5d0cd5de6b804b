import FixedPoint
import GraphIR

/// The bit-exact fixed-point evaluation of a graph. Within a block each node's raw codes are
/// feature-major (`[element][event]`, stride = block size), so kernels run over events in
/// SIMD lanes.
struct FixedProgram: BlockProgram {
    typealias Element = Int64

    enum Step: Sendable {
        case input(slot: Int, quantizer: InputQuantizer)
        case dense(FixedDense)
        case activation(FixedActivation)
        /// Values → R; a step is masked when all its features' raw codes equal `code`.
        case masking(code: Int64, from: FixedFormat)
        case gru(FixedGRU)
        case concatenate(outer: Int, inner: [Int], from: [FixedFormat])
        /// Dropout and flatten: conv(x → R).
        case convert(from: FixedFormat)
        /// Per feature: y = conv(conv(conv(x·scale → A) + shift → A) → R); `shift` is in A.
        case affine(scale: [Int64], shift: [Int64], productBits: Int, accumulator: FixedFormat)
        case argmax
    }

    let layouts: [NodeLayout]
    let steps: [Step]
    /// Each node's result format.
    let formats: [FixedFormat]
    var sizes: [Int] { layouts.map(\.size) }

    init(graph: Graph, layouts: [NodeLayout], inputNodes: [Int], fastPaths: Bool) throws(InterpreterError) {
        self.layouts = layouts
        var formats: [FixedFormat] = []
        var steps: [Step] = []
        for (position, node) in graph.nodes.enumerated() {
            guard let precision = node.precision else { throw .missingFormat(node: node.name, role: "result") }
            let r = precision.result
            let layout = layouts[position]
            let inputFormat = layout.inputs.first.map { formats[$0] } ?? r
            steps.append(try Self.step(
                node, layout: layout, position: position, layouts: layouts, formats: formats,
                input: inputFormat, inputNodes: inputNodes, tables: graph.tables, fastPaths: fastPaths))
            formats.append(r)
        }
        self.formats = formats
        self.steps = steps
    }

    private static func step(
        _ node: Node, layout: NodeLayout, position: Int, layouts: [NodeLayout], formats: [FixedFormat],
        input: FixedFormat, inputNodes: [Int], tables: [String: ActivationTable], fastPaths: Bool
    ) throws(InterpreterError) -> Step {
        guard let precision = node.precision else { throw .missingFormat(node: node.name, role: "result") }
        let r = precision.result
        switch node.op {
        case .input:
            return .input(slot: inputNodes.firstIndex(of: position) ?? 0,
                          quantizer: InputQuantizer(r, fast: fastPaths))
        case let .dense(weights, bias, activation):
            return .dense(try FixedDense(
                node: node, weights: weights, bias: bias, activation: activation, input: input,
                tables: tables, fastPaths: fastPaths, inputRank: layouts[layout.inputs[0]].shape.count))
        case let .activation(function):
            return .activation(try FixedActivation(
                function, node: node.name, precision: precision, tables: tables, input: input, result: r))
        case let .masking(value):
            return .masking(code: input.quantize(value), from: input)
        case let .gru(attributes):
            return .gru(try FixedGRU(node: node, attributes, input: input,
                                     inputShape: layouts[layout.inputs[0]].shape, tables: tables,
                                     fastPaths: fastPaths))
        case let .concatenate(axis):
            let rank = layout.shape.count
            let resolved = Op.normalizedAxis(axis, rank: rank) ?? max(0, rank - 1)
            return .concatenate(outer: layout.shape[..<resolved].reduce(1, *),
                                inner: layout.inputs.map { layouts[$0].shape[resolved...].reduce(1, *) },
                                from: layout.inputs.map { formats[$0] })
        case .dropout, .flatten:
            return .convert(from: input)
        case .batchNormalization:
            // constant-quantization turns a fixed-point batch normalization into `affine`.
            throw .floatConstants(node: node.name, attribute: "gamma")
        case let .affine(scaleTensor, offsetTensor):
            let w = try FixedActivation.format(precision.weight, node: node.name, role: "weight")
            let b = try FixedActivation.format(precision.bias, node: node.name, role: "bias")
            let a = try FixedActivation.format(precision.accumulator, node: node.name, role: "accumulator")
            let scale = try constantCodes(scaleTensor, w, node: node.name, attribute: "scale")
            let shift = try constantCodes(offsetTensor, b, node: node.name, attribute: "offset")
                .map { a.convert(raw: $0, from: b) }
            try checkProduct(w.maxMagnitude, input.maxMagnitude, node: node.name, what: "scale × input")
            return .affine(scale: scale, shift: shift,
                           productBits: w.fractionalBits + input.fractionalBits, accumulator: a)
        case .argmax:
            return .argmax
        }
    }

    func makeWorkspace(blockSize: Int) -> FixedWorkspace {
        FixedWorkspace(program: self, blockSize: blockSize)
    }

    func copyOut(node: Int, count n: Int, workspace: FixedWorkspace, to target: UnsafeMutablePointer<Int64>) {
        let size = layouts[node].size
        let source = workspace.values[node]
        let stride = workspace.blockSize
        for k in 0..<size {
            let column = source + k * stride
            for e in 0..<n { target[e * size + k] = column[e] }
        }
    }
}

/// Per-worker buffers of the fixed program: one feature-major block per node, masks for
/// the masking nodes (`[event][time]`), and kernel scratch.
final class FixedWorkspace {
    let blockSize: Int
    let values: [UnsafeMutablePointer<Int64>]
    let masks: [UnsafeMutablePointer<UInt8>?]
    let lanes: UnsafeMutablePointer<Int32>
    let scratch: UnsafeMutablePointer<Int64>
    let scratchSize: Int

    init(program: FixedProgram, blockSize: Int) {
        self.blockSize = blockSize
        values = program.layouts.map { layout in
            let p = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, blockSize * layout.size))
            p.initialize(repeating: 0, count: max(1, blockSize * layout.size))
            return p
        }
        masks = program.layouts.enumerated().map { position, layout in
            guard layout.maskSource == position else { return nil }
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize * layout.timeSteps)
            p.initialize(repeating: 0, count: blockSize * layout.timeSteps)
            return p
        }
        let laneCount = blockSize * (program.layouts.map(\.size).max() ?? 1)
        lanes = UnsafeMutablePointer<Int32>.allocate(capacity: laneCount)
        lanes.initialize(repeating: 0, count: laneCount)
        scratchSize = program.steps.map { step -> Int in
            if case let .gru(gru) = step { return gru.scratchSize }
            return 0
        }.max() ?? 1
        scratch = UnsafeMutablePointer<Int64>.allocate(capacity: max(1, scratchSize))
        scratch.initialize(repeating: 0, count: max(1, scratchSize))
    }

    deinit {
        for p in values { p.deallocate() }
        for p in masks { p?.deallocate() }
        lanes.deallocate()
        scratch.deallocate()
    }
}
