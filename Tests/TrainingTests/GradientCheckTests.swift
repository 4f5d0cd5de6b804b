import GraphIR
import Testing
@testable import Training

/// Central finite differences of the mean cross-entropy (float32 forward, loss summed in
/// Double) against the analytic gradients. Tolerance: |analytic − numeric| ≤ 2e-4 + 2e-2·|numeric|
/// (float32 rounding of the forward pass over 2h dominates; see Docs/Training.md).
struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var make: @Sendable () -> Model
        var inputs: @Sendable (inout TestData) -> [[Float]]
        var training = false
        var step: Float = 1e-2
        var testDescription: String { label }
    }

    static let n = 4

    static func dense(_ activation: ActivationFunction, _ label: String) -> Case {
        Case(label: "dense \(label)", make: {
            let x = Input("x", shape: [5])
            let y = Dense(3, activation: .softmax)(Dense(4, activation: activation)(x))
            return Model(name: "m", inputs: [x], output: y, seed: 11)
        }, inputs: { [$0.uniform(n * 5)] }, step: activation == .relu || activation == .leakyRelu(alpha: 0.2) ? 1e-3 : 1e-2)
    }

    static func gru(resetAfter: Bool) -> Case {
        Case(label: "gru masked reset_after=\(resetAfter)", make: {
            let x = Input("seq", shape: [5, 3])
            let h = GRU(4, resetAfter: resetAfter)(Masking(value: 0)(x))
            return Model(name: "m", inputs: [x], output: Dense(3, activation: .softmax)(h), seed: 5)
        }, inputs: { data in
            [data.sequences(n, steps: 5, features: 3) { e in [[4], [2], [3, 4], []][e] }]
        })
    }

    static let cases: [Case] = [
        dense(.linear, "linear"), dense(.relu, "relu"), dense(.tanh, "tanh"), dense(.sigmoid, "sigmoid"),
        dense(.leakyRelu(alpha: 0.2), "leaky_relu"), dense(.softmax, "softmax (hidden)"),
        Case(label: "activation layers", make: {
            let x = Input("x", shape: [5])
            let y = Activation(.softmax)(Dense(3)(Activation(.sigmoid)(Activation(.tanh)(Dense(4)(x)))))
            return Model(name: "m", inputs: [x], output: y, seed: 2)
        }, inputs: { [$0.uniform(n * 5)] }),
        Case(label: "concatenate", make: {
            let a = Input("a", shape: [3]), b = Input("b", shape: [2])
            let joined = Concatenate()([Dense(2, activation: .tanh)(a), b])
            return Model(name: "m", inputs: [a, b], output: Dense(3, activation: .softmax)(joined), seed: 3)
        }, inputs: { [$0.uniform(n * 3), $0.uniform(n * 2)] }),
        Case(label: "dropout (training mask)", make: {
            let x = Input("x", shape: [6])
            return Model(name: "m", inputs: [x], output: Dense(3, activation: .softmax)(Dropout(0.4)(x)), seed: 4)
        }, inputs: { [$0.uniform(n * 6)] }, training: true),
        gru(resetAfter: true), gru(resetAfter: false),
    ]

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: Case) {
        var data = TestData(seed: 99)
        let model = c.make()
        // Larger weights than the initializers give, so every path carries signal.
        for p in model.parameters {
            model.device.set(p.value, data.uniform(p.value.count, limit: 0.8))
        }
        var inputs = c.inputs(&data)
        let labels = data.labels(Self.n)
        let analytic = model.gradients(inputs, labels: labels, count: Self.n, training: c.training)
        var worst = 0.0
        func check(_ a: Float, _ numeric: Double, _ what: String) {
            let error = abs(Double(a) - numeric)
            worst = max(worst, error)
            #expect(error <= 2e-4 + 2e-2 * abs(numeric), "\(c.label) \(what): analytic \(a), numeric \(numeric)")
        }
        let h = c.step
        for p in model.parameters {
            var values = model.device.read(p.value)
            for i in values.indices {
                let saved = values[i]
                values[i] = saved + h
                model.device.set(p.value, values)
                let up = model.loss(inputs, labels: labels, count: Self.n, training: c.training)
                values[i] = saved - h
                model.device.set(p.value, values)
                let down = model.loss(inputs, labels: labels, count: Self.n, training: c.training)
                values[i] = saved
                model.device.set(p.value, values)
                check(analytic.parameters[p.name]?[i] ?? .nan, (up - down) / Double(2 * h), "\(p.name)[\(i)]")
            }
        }
        for k in inputs.indices {
            for i in inputs[k].indices where inputs[k][i] != 0 {
                let saved = inputs[k][i]
                inputs[k][i] = saved + h
                let up = model.loss(inputs, labels: labels, count: Self.n, training: c.training)
                inputs[k][i] = saved - h
                let down = model.loss(inputs, labels: labels, count: Self.n, training: c.training)
                inputs[k][i] = saved
                check(analytic.inputs[k][i], (up - down) / Double(2 * h), "input \(k)[\(i)]")
            }
        }
        print("gradient check \(c.label): worst |analytic - numeric| = \(worst)")
    }
}
