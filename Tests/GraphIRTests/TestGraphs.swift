import FixedPoint
import Foundation
@testable import GraphIR

/// Hand-built graphs for the text-format and verifier tests.
enum TestGraphs {
    static func format(
        _ width: Int, _ integerBits: Int, signed: Bool = true, _ q: QuantizationMode = .trn, _ o: OverflowMode = .wrap
    ) -> FixedFormat {
        do {
            return try FixedFormat(width: width, integerBits: integerBits, signed: signed, quantization: q, overflow: o)
        } catch {
            preconditionFailure("test format <\(width),\(integerBits)> is invalid: \(error)")
        }
    }

    /// Entries of `function` sampled at the middle of each step, as raw codes with `fraction` bits.
    static func table(
        _ function: TableFunction, input: FixedFormat, lower: Double, log2Step: Int, output: FixedFormat,
        count: Int
    ) -> ActivationTable {
        let step = Double(sign: .plus, exponent: log2Step, significand: 1)
        let scale = Double(sign: .plus, exponent: output.fractionalBits, significand: 1)
        let entries = (0..<count).map { i in
            let y = function(lower + (Double(i) + 0.5) * step)
            return min(max(Int64((y * scale).rounded()), output.minRaw), output.maxRaw)
        }
        let lowerRaw = Int64(lower * Double(sign: .plus, exponent: input.fractionalBits, significand: 1))
        return ActivationTable(
            function: function, inputFormat: input, lowerBoundRaw: lowerRaw, log2Step: log2Step,
            outputFormat: output, entries: entries)
    }

    /// A verified fixed-point graph: input [4] → dense 3 with fused tanh → softmax.
    static var quantized: Graph {
        let data = format(16, 6)
        let weight = format(8, 2, .rnd, .sat)
        let probability = format(16, 0, signed: false, .rnd, .sat)
        var rng = SplitMix64(seed: 5)
        let dense = Op.dense(
            weights: .glorot(shape: [4, 3], fanIn: 4, fanOut: 3, using: &rng),
            bias: .small(shape: [3], using: &rng), activation: .tanh)
        let nodes = [
            Node(name: "x", op: .input(shape: [4]), shape: [4], precision: LayerPrecision(result: data)),
            Node(
                name: "dense_1", op: dense, inputs: ["x"], shape: [3],
                precision: LayerPrecision(
                    result: data, weight: weight, bias: format(8, 2), accumulator: format(24, 10),
                    tables: [.activation: "tanh_8"])),
            Node(
                name: "softmax", op: .activation(.softmax), inputs: ["dense_1"], shape: [3],
                precision: LayerPrecision(result: probability, tables: [.exp: "exp_8", .reciprocal: "reciprocal_8"])),
        ]
        let tables = [
            "tanh_8": table(.tanh, input: data, lower: -4, log2Step: 0, output: format(16, 1), count: 8),
            "exp_8": table(.exp, input: data, lower: -8, log2Step: 0, output: format(16, 1, signed: false), count: 8),
            "reciprocal_8": table(
                .reciprocal, input: format(16, 4, signed: false), lower: 1, log2Step: 1, output: probability,
                count: 8),
        ]
        return Graph(name: "quantized", nodes: nodes, inputs: ["x"], outputs: ["softmax"], tables: tables)
    }

    /// Every op, odd names, odd floats, unknown shapes, reordered graph inputs: for the text
    /// format only (it does not verify).
    static var kitchenSink: Graph {
        let odd: [Float] = [
            0, -0.0, .infinity, -.infinity, .nan, Float(bitPattern: 0xFFC0_0000), .signalingNaN,
            Float(bitPattern: 0x7FC0_0001), .leastNonzeroMagnitude, -.leastNormalMagnitude,
            .greatestFiniteMagnitude, 0.1, Float(bitPattern: 0x116C2), 3, 16_777_216, 1e10,
        ]
        let bn = BatchNormAttributes(
            gamma: Tensor(shape: [2], values: [1, 2]), beta: Tensor(shape: [2], values: [0.5, -0.5]),
            mean: Tensor(shape: [2], values: [0, 0]), variance: Tensor(shape: [2], values: [1, 4]), epsilon: 1e-3)
        let nodes = [
            Node(name: "b in", op: .input(shape: [2, 8])),
            Node(name: "a", op: .input(shape: [4]), shape: [4]),
            Node(name: "odd", op: .dense(weights: Tensor(shape: [4, 4], values: odd), bias: Tensor(zeros: [4]),
                activation: .leakyRelu(alpha: 0.3)), inputs: ["a"], shape: [4]),
            Node(name: "hs", op: .activation(.hardSigmoid(slope: 1 / 6, offset: 0.5)), inputs: ["odd"]),
            Node(name: "bn", op: .batchNormalization(bn), inputs: ["b in"]),
            Node(name: "flat", op: .flatten, inputs: ["bn"], shape: [16]),
            Node(name: "\"quoted\"\\name\n", op: .concatenate(axis: -1), inputs: ["hs", "flat"], shape: [20]),
            Node(name: "drop", op: .dropout(rate: 0.25), inputs: ["\"quoted\"\\name\n"]),
            Node(name: "mask", op: .masking(value: -1.5), inputs: ["b in"]),
            Node(name: "gru", op: .gru(GRUAttributes(
                units: 1, activation: .relu, recurrentActivation: .hardSigmoid(slope: 0.2, offset: 0.5),
                resetAfter: false, kernel: Tensor(shape: [8, 3], values: (0..<24).map { Float($0) / 7 }),
                recurrentKernel: Tensor(shape: [1, 3], values: [1, 2, 3]), bias: Tensor(shape: [3], values: [])
            )), inputs: ["mask"]),
            Node(name: "argmax", op: .argmax, inputs: ["drop"], shape: [1]),
            Node(name: "graph", op: .input(shape: [1]), shape: [2]),
        ]
        return Graph(name: "kitchen \"sink\"", nodes: nodes, inputs: ["a", "b in"], outputs: ["argmax", "gru"])
    }
}
