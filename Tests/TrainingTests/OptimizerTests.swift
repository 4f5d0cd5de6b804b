import Foundation
import Testing
@testable import Training

struct OptimizerTests {
    /// Two Adam steps against Keras's update written out in Double.
    @Test func adamMatchesHandComputedSteps() {
        let device = CPUDevice()
        let p = Parameter(name: "p", value: device.upload([1, -2, 0.5], shape: [3]), device: device)
        let adam = Adam(learningRate: 0.1)
        var expected: [Double] = [1, -2, 0.5]
        var m = [Double](repeating: 0, count: 3), v = m
        for (t, g) in [[0.5, -0.1, 0.0], [-0.3, 0.2, 1.0]].enumerated() {
            device.set(p.gradient, g.map(Float.init))
            adam.step([p], device: device)
            let step = Double(t + 1)
            let alpha = 0.1 * (1 - pow(0.999, step)).squareRoot() / (1 - pow(0.9, step))
            for i in 0..<3 {
                m[i] += (g[i] - m[i]) * 0.1
                v[i] += (g[i] * g[i] - v[i]) * 0.001
                expected[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7)
            }
        }
        let got = device.read(p.value)
        for i in 0..<3 { #expect(abs(Double(got[i]) - expected[i]) < 1e-6, "p[\(i)] \(got[i]) vs \(expected[i])") }
        #expect(adam.iterations == 2)
    }

    @Test func sgdWithMomentumMatchesHandComputedSteps() {
        let device = CPUDevice()
        let p = Parameter(name: "p", value: device.upload([1, -1], shape: [2]), device: device)
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        device.set(p.gradient, [1, 2])
        sgd.step([p], device: device)  // v = -0.1·g = (-0.1, -0.2)
        sgd.step([p], device: device)  // v = 0.9·v - 0.1·g = (-0.19, -0.38)
        let got = device.read(p.value)
        #expect(abs(got[0] - (1 - 0.1 - 0.19)) < 1e-6 && abs(got[1] - (-1 - 0.2 - 0.38)) < 1e-6)
    }

    @Test func reduceOnPlateauHalvesAfterPatience() {
        var state = ScheduleState(initialRate: 1)
        let schedule = LearningRateSchedule.reduceOnPlateau(factor: 0.5, patience: 2)
        var rate: Float = 1
        for loss in [1.0, 0.9, 0.95, 0.91] { rate = state.rate(after: loss, next: 0, current: rate, schedule: schedule) }
        #expect(rate == 0.5)
        var step = ScheduleState(initialRate: 1)
        #expect(step.rate(after: 0, next: 4, current: 1, schedule: .stepDecay(factor: 0.5, every: 2)) == 0.25)
    }
}
