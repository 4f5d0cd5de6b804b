import CKernels
import Foundation
import GraphIR

/// The float32 evaluation of a graph. Within a block, each node's values are event-major
/// (`[event][element]`). Every event's values are computed in an order that does not depend
/// on the other events or the block size, so batching never changes an answer (the server
/// relies on it).
struct FloatProgram: BlockProgram {
    typealias Element = Float

    enum Step: Sendable {
        case input(slot: Int)
        /// `weights` is `[in, out]` row-major and `bias` `[out]`, both padded with zero columns
        /// to a multiple of 8 (``FloatProgram/paddedWidth(_:)``); rows of the input are
        /// `count × rowsPerEvent`.
        case dense(weights: [Float], bias: [Float], inFeatures: Int, outFeatures: Int,
                   activation: ActivationFunction)
        case activation(ActivationFunction)
        case masking(value: Float)
        case gru(FloatGRU)
        /// Joins inputs: per event, `outer` runs of each input's `inner[k]` values in turn.
        case concatenate(outer: Int, inner: [Int])
        /// Dropout and flatten: the values unchanged.
        case copy
        /// Batch normalization (its scale and shift) and affine: `x·scale + shift` per feature.
        case affine(scale: [Float], shift: [Float])
        case argmax
    }

    let layouts: [NodeLayout]
    let steps: [Step]
    var sizes: [Int] { layouts.map(\.size) }

    init(graph: Graph, layouts: [NodeLayout], inputNodes: [Int]) {
        self.layouts = layouts
        steps = layouts.enumerated().map { position, layout in
            Self.step(for: layout, position: position, layouts: layouts, inputNodes: inputNodes)
        }
    }

    private static func step(
        for layout: NodeLayout, position: Int, layouts: [NodeLayout], inputNodes: [Int]
    ) -> Step {
        switch layout.op {
        case .input:
            return .input(slot: inputNodes.firstIndex(of: position) ?? 0)
        case let .dense(weights, bias, activation):
            let (w, b) = padded(weights: weights.values, bias: bias.values, inFeatures: weights.shape[0],
                                outFeatures: weights.shape[1])
            return .dense(weights: w, bias: b, inFeatures: weights.shape[0], outFeatures: weights.shape[1],
                          activation: activation)
        case let .activation(function):
            return .activation(function)
        case let .masking(value):
            return .masking(value: value)
        case let .gru(attributes):
            let input = layouts[layout.inputs[0]]
            return .gru(FloatGRU(attributes, timeSteps: input.timeSteps, features: input.lastAxis))
        case let .concatenate(axis):
            let rank = layout.shape.count
            let resolved = Op.normalizedAxis(axis, rank: rank) ?? max(0, rank - 1)
            let outer = layout.shape[..<resolved].reduce(1, *)
            let inner = layout.inputs.map { layouts[$0].shape[resolved...].reduce(1, *) }
            return .concatenate(outer: outer, inner: inner)
        case .dropout, .flatten:
            return .copy
        case let .batchNormalization(bn):
            let (scale, shift) = bn.scaleAndShift()
            return .affine(scale: scale.map { Float($0) }, shift: shift.map { Float($0) })
        case let .affine(scale, offset):
            return .affine(scale: scale.values, shift: offset.values)
        case .argmax:
            return .argmax
        }
    }

    func makeWorkspace(blockSize: Int) -> FloatWorkspace {
        FloatWorkspace(layouts: layouts, steps: steps, blockSize: blockSize)
    }

    func copyOut(node: Int, count: Int, workspace: FloatWorkspace, to target: UnsafeMutablePointer<Float>) {
        target.update(from: workspace.values[node], count: count * layouts[node].size)
    }

    func evaluate(start: Int, count n: Int, inputs: [UnsafePointer<Float>], workspace ws: FloatWorkspace) {
        for (position, step) in steps.enumerated() {
            let layout = layouts[position]
            let y = ws.values[position]
            let x = layout.inputs.first.map { UnsafePointer(ws.values[$0]) }
            let size = layout.size
            switch step {
            case let .input(slot):
                y.update(from: inputs[slot] + start * size, count: n * size)
            case let .dense(weights, bias, inFeatures, outFeatures, activation):
                guard let x else { continue }
                let rows = n * size / outFeatures
                Self.dense(x, rows: rows, weights: weights, bias: bias, inFeatures: inFeatures, outFeatures: outFeatures, y: y)
                FloatActivation.apply(activation, y, count: n * size, row: outFeatures)
            case let .activation(function):
                guard let x else { continue }
                y.update(from: x, count: n * size)
                FloatActivation.apply(function, y, count: n * size, row: layout.lastAxis)
            case let .masking(value):
                guard let x else { continue }
                y.update(from: x, count: n * size)
                if let mask = ws.masks[position] {
                    let steps = layout.timeSteps
                    let features = size / steps
                    for s in 0..<(n * steps) {
                        var masked: UInt8 = 1
                        for f in 0..<features where x[s * features + f] != value { masked = 0; break }
                        mask[s] = masked
                    }
                }
            case let .gru(gru):
                guard let x else { continue }
                let mask = layouts[layout.inputs[0]].maskSource.flatMap { ws.masks[$0] }
                gru.evaluate(x: x, mask: mask.map { UnsafePointer($0) }, count: n,
                             scratch: ws.scratch, into: y)
            case let .concatenate(outer, inner):
                var offset = 0
                for (k, input) in layout.inputs.enumerated() {
                    let source = ws.values[input]
                    for e in 0..<n {
                        for o in 0..<outer {
                            (y + e * size + o * (size / outer) + offset)
                                .update(from: source + (e * outer + o) * inner[k], count: inner[k])
                        }
                    }
                    offset += inner[k]
                }
            case .copy:
                guard let x else { continue }
                y.update(from: x, count: n * size)
            case let .affine(scale, shift):
                guard let x else { continue }
                let channels = scale.count
                for i in 0..<(n * size) {
                    let c = i % channels
                    y[i] = x[i] * scale[c] + shift[c]
                }
            case .argmax:
                guard let x else { continue }
                let inputSize = layouts[layout.inputs[0]].size
                for e in 0..<n {
                    var best = 0
                    for i in 1..<max(1, inputSize) where x[e * inputSize + i] > x[e * inputSize + best] {
                        best = i
                    }
                    y[e] = Float(best)
                }
            }
        }
    }
}

/// Per-worker buffers of the float program: one block of values per node, masks for the
/// masking nodes, and GRU scratch.
extension FloatProgram {
    /// `y = x·weights + bias` for `rows` event-major rows, each row's sums in a fixed order
    /// (products added in order of the input feature, no fused multiply-add), so that an
    /// event's outputs never depend on the other events of its block or on the block's size
    /// (BLAS picks kernels, and so rounding, by matrix size). `weights` and `bias` are
    /// padded to ``paddedWidth(_:)`` columns.
    static func dense(
        _ x: UnsafePointer<Float>, rows: Int, weights: [Float], bias: [Float], inFeatures: Int, outFeatures: Int,
        y: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0 else { return }
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                guard let w = w.baseAddress, let b = b.baseAddress else { return }
                trigc_float_dense_rows(x, Int32(rows), Int32(inFeatures), w, b, Int32(outFeatures),
                                       Int32(paddedWidth(outFeatures)), y)
            }
        }
    }

    /// Columns rounded up to whole vectors of 8.
    static func paddedWidth(_ columns: Int) -> Int { (columns + 7) / 8 * 8 }

    /// `[in, out]` weights and `[out]` bias (empty: zeros) padded with zero columns.
    static func padded(weights: [Float], bias: [Float], inFeatures: Int, outFeatures: Int) -> ([Float], [Float]) {
        let stride = paddedWidth(outFeatures)
        var w = [Float](repeating: 0, count: inFeatures * stride)
        for i in 0..<inFeatures {
            for c in 0..<outFeatures { w[i * stride + c] = weights[i * outFeatures + c] }
        }
        var b = [Float](repeating: 0, count: stride)
        for c in 0..<min(bias.count, outFeatures) { b[c] = bias[c] }
        return (w, b)
    }
}

final class FloatWorkspace {
    let values: [UnsafeMutablePointer<Float>]
    let masks: [UnsafeMutablePointer<UInt8>?]
    let scratch: UnsafeMutablePointer<Float>

    init(layouts: [NodeLayout], steps: [FloatProgram.Step], blockSize: Int) {
        values = layouts.map { layout in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blockSize * layout.size))
            p.initialize(repeating: 0, count: max(1, blockSize * layout.size))
            return p
        }
        masks = layouts.enumerated().map { position, layout in
            guard layout.maskSource == position else { return nil }
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize * layout.timeSteps)
            p.initialize(repeating: 0, count: blockSize * layout.timeSteps)
            return p
        }
        let scratchSize = steps.map { step -> Int in
            if case let .gru(gru) = step { return gru.scratchSize(blockSize: blockSize) }
            return 0
        }.max() ?? 0
        scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchSize))
        scratch.initialize(repeating: 0, count: max(1, scratchSize))
    }

    deinit {
        for p in values { p.deallocate() }
        for p in masks { p?.deallocate() }
        scratch.deallocate()
    }
}
