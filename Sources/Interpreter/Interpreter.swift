import FixedPoint
import GraphIR

/// Evaluates a graph on batches of events: in float32 when no node has a precision, in
/// bit-exact fixed point when every node has one (the executable specification the Verilog
/// must equal; see `Docs/Interpreter.md`).
///
/// Build it once per graph (weights are quantized and kernels chosen here), then call
/// ``run(_:)`` or ``trace(_:)`` as often as needed; it is immutable and `Sendable`.
public struct Interpreter: Sendable {
    /// The graph being evaluated.
    public let graph: Graph
    /// Float or fixed point, decided by the graph's precisions.
    public let mode: InterpreterMode
    public let options: InterpreterOptions

    let layouts: [NodeLayout]
    let inputNodes: [Int]
    let outputNodes: [Int]
    let program: Program

    enum Program: Sendable {
        case float(FloatProgram)
        case fixed(FixedProgram)
    }

    /// Prepares a graph for evaluation. The graph must verify and have every node's shape
    /// (run shape inference first); it must be all float or all fixed point.
    public init(graph: Graph, options: InterpreterOptions = InterpreterOptions()) throws(InterpreterError) {
        do {
            try graph.verify()
        } catch {
            throw .invalidGraph(graph: graph.name, error)
        }
        self.graph = graph
        self.options = options
        let floatNode = graph.nodes.first { $0.precision == nil }
        let fixedNode = graph.nodes.first { $0.precision != nil }
        if let floatNode, let fixedNode {
            throw .mixedPrecision(graph: graph.name, floatNode: floatNode.name, fixedNode: fixedNode.name)
        }
        mode = fixedNode == nil ? .float : .fixed
        layouts = try NodeLayout.analyze(graph)
        let index = graph.indexByName
        inputNodes = try graph.inputs.map { name throws(InterpreterError) in
            guard let i = index[name] else { throw .unknownNode(graph: graph.name, name: name) }
            return i
        }
        outputNodes = try graph.outputs.map { name throws(InterpreterError) in
            guard let i = index[name] else { throw .unknownNode(graph: graph.name, name: name) }
            return i
        }
        switch mode {
        case .float:
            program = .float(FloatProgram(graph: graph, layouts: layouts, inputNodes: inputNodes))
        case .fixed:
            program = .fixed(try FixedProgram(
                graph: graph, layouts: layouts, inputNodes: inputNodes, fastPaths: options.fastPaths))
        }
    }

    /// Evaluates the graph; returns the value of every graph output, by node name.
    ///
    /// `inputs` holds one batch per graph input, all with the same event count and with the
    /// input's per-event shape.
    public func run(_ inputs: [String: Batch]) throws(InterpreterError) -> [String: InterpreterOutput] {
        try evaluate(inputs, keeping: outputNodes)
    }

    /// Evaluates the graph and returns the value of every node, by name: the per-node view
    /// used to find where another implementation (RTL, OpenCL) first diverges.
    public func trace(_ inputs: [String: Batch]) throws(InterpreterError) -> [String: InterpreterOutput] {
        try evaluate(inputs, keeping: Array(layouts.indices))
    }

    private func evaluate(
        _ inputs: [String: Batch], keeping kept: [Int]
    ) throws(InterpreterError) -> [String: InterpreterOutput] {
        let batches = try checkedInputs(inputs)
        let count = batches.first?.count ?? 0
        // Small batches get a small block (whole SIMD vectors), so workspaces stay small.
        var options = options
        options.blockSize = min(options.blockSize, max(16, (count + 15) / 16 * 16))
        switch program {
        case let .float(program):
            let values = BlockRunner.run(
                program, inputs: batches, count: count, keeping: kept, options: options)
            var result: [String: InterpreterOutput] = [:]
            for (node, values) in zip(kept, values) {
                let layout = layouts[node]
                result[layout.name] = .float(Batch(count: count, shape: layout.shape, values: values))
            }
            return result
        case let .fixed(program):
            let values = BlockRunner.run(
                program, inputs: batches, count: count, keeping: kept, options: options)
            var result: [String: InterpreterOutput] = [:]
            for (node, raw) in zip(kept, values) {
                let layout = layouts[node]
                result[layout.name] = .fixed(FixedBatch(
                    count: count, shape: layout.shape, raw: raw, format: program.formats[node]))
            }
            return result
        }
    }

    /// The input batches in graph-input order, after checking names, shapes and counts.
    private func checkedInputs(_ inputs: [String: Batch]) throws(InterpreterError) -> [Batch] {
        for name in inputs.keys.sorted() where !graph.inputs.contains(name) {
            throw .unexpectedInput(name: name)
        }
        var batches: [Batch] = []
        for (name, node) in zip(graph.inputs, inputNodes) {
            guard let batch = inputs[name] else { throw .missingInput(name: name) }
            let expected = layouts[node].shape
            guard batch.shape == expected else {
                throw .wrongInputShape(input: name, expected: expected, got: batch.shape)
            }
            if let first = batches.first, first.count != batch.count {
                throw .mismatchedEventCounts(input: name, count: batch.count, expected: first.count)
            }
            batches.append(batch)
        }
        return batches
    }
}
