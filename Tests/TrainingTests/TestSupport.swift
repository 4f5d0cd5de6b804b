import Foundation
import GraphIR
@testable import Training

/// Deterministic test data.
struct TestData {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func uniform(_ count: Int, limit: Float = 1) -> [Float] {
        (0..<count).map { _ in rng.nextFloat(limit: limit) }
    }

    /// One-hot labels for `count` events.
    mutating func labels(_ count: Int, classes: Int = 3) -> [Float] {
        var labels = [Float](repeating: 0, count: count * classes)
        for e in 0..<count { labels[e * classes + Int(rng.next() % UInt64(classes))] = 1 }
        return labels
    }

    /// Sequences `[count, steps, features]` whose steps listed in `padded(event)` are zero.
    mutating func sequences(_ count: Int, steps: Int, features: Int, padded: (Int) -> [Int]) -> [Float] {
        var values = uniform(count * steps * features)
        for e in 0..<count {
            for t in padded(e) {
                for f in 0..<features { values[(e * steps + t) * features + f] = 0 }
            }
        }
        return values
    }
}

/// Learnable-but-noisy synthetic classification data for the study models.
func syntheticArrays(count: Int, hlfFeatures: Int = 14, steps: Int = 0, features: Int = 19, seed: UInt64) -> TrainingArrays {
    var data = TestData(seed: seed)
    let labels = data.labels(count)
    var hlf = data.uniform(count * hlfFeatures, limit: 0.5)
    for e in 0..<count {
        let c = (0..<3).first { labels[e * 3 + $0] == 1 } ?? 0
        hlf[e * hlfFeatures + c] += 0.5
    }
    let sequences = steps == 0 ? nil : data.sequences(count, steps: steps, features: features) { e in
        Array(max(0, steps - e % 3)..<steps) + (e % 4 == 1 && steps > 2 ? [1] : [])
    }
    return TrainingArrays(count: count, hlf: hlf, sequences: sequences, labels: labels)
}

extension Model {
    /// Loss (mean categorical cross-entropy, in Double from the float32 probabilities) of one
    /// batch in the given mode.
    func loss(_ inputs: [[Float]], labels: [Float], count n: Int, training: Bool = false, counter: UInt64 = 7) -> Double {
        let tensors = inputTensors(batch: n)
        for (k, values) in inputs.enumerated() { values.withUnsafeBufferPointer { device.write($0, to: tensors[k], at: 0) } }
        let context = PassContext(device: device, batch: n, training: training, seed: 3, counter: counter)
        let p = device.read(forward(tensors, context: context))
        let classes = p.count / n
        var sum = 0.0
        for i in 0..<(n * classes) where labels[i] != 0 {
            sum -= Double(labels[i]) * Foundation.log(Double(min(max(p[i], 1e-7), 1 - 1e-7)))
        }
        return sum / Double(n)
    }

    /// Analytic gradients: every parameter's (by name) and each input's.
    func gradients(_ inputs: [[Float]], labels: [Float], count n: Int, training: Bool = false,
                   counter: UInt64 = 7) -> (parameters: [String: [Float]], inputs: [[Float]]) {
        let tensors = inputTensors(batch: n)
        for (k, values) in inputs.enumerated() { values.withUnsafeBufferPointer { device.write($0, to: tensors[k], at: 0) } }
        let context = PassContext(device: device, batch: n, training: training, seed: 3, counter: counter)
        let output = forward(tensors, context: context)
        let y = device.upload(labels, shape: output.shape)
        let g = device.makeTensor(shape: output.shape)
        _ = device.softmaxCrossEntropy(probabilities: output.matrix(rows: n), labels: y.matrix(rows: n),
                                       logitGradient: g.matrix(rows: n))
        let inputGradients = backward(logitGradient: g, context: context, inputGradients: true)
        return (Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, device.read($0.gradient)) }),
                inputGradients.map { $0.map(device.read) ?? [] })
    }
}

extension Device {
    func set(_ tensor: DeviceTensor, _ values: [Float]) {
        values.withUnsafeBufferPointer { write($0, to: tensor, at: 0) }
    }
}
